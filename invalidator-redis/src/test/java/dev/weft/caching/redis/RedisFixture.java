package dev.weft.caching.redis;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts the instances of a test: this JVM's, and peers in other JVMs. Closes them all. */
final class RedisFixture implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String channel = "weft-test:" + UUID.randomUUID();
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** This JVM's instance: a memory backend wrapped by an invalidator, made the default backend. */
    CacheInvalidator local(String uri, RedisCacheInvalidatorOptions.Builder options) throws InterruptedException {
        CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), uri,
                options.channel(channel).build());
        resources.add(invalidator);
        CachingServices.setDefaultBackend(invalidator);
        assertThat(invalidator.awaitConnected(TIMEOUT)).as("subscribed").isTrue();
        return invalidator;
    }

    CacheInvalidator local(String uri) throws InterruptedException {
        return local(uri, RedisCacheInvalidatorOptions.builder());
    }

    /** An instance in another JVM. */
    JvmProcess peer(String uri, WhileDisconnected policy) {
        JvmProcess p = JvmLauncher.forMainClass(PeerMain.class)
                .args(uri, channel, policy.name())
                .jvmArgs("-Xmx128m", "-XX:TieredStopAtLevel=1")
                .start()
                .awaitReady(TIMEOUT);
        resources.add(p);
        return p;
    }

    JvmProcess peer(String uri) {
        return peer(uri, WhileDisconnected.SERVE_LOCAL);
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }
}
