package dev.weft.caching.redis;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.ChildChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Uses every URI form Lettuce accepts with a password in it, the way an application would, logging every failure
 * with its stack trace (as an application or Spring Boot's failure report would); the JVM logs everything at TRACE.
 * The parent then searches its whole stderr for the password. Arguments: the password-protected server's port, the
 * ACL server's port, a port nothing listens on, the password, a wrong password.
 */
public final class SecretsChildMain {

    private static final Logger LOG = LoggerFactory.getLogger("secrets-test");

    private SecretsChildMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        int passwordPort = Integer.parseInt(args[0]);
        int aclPort = Integer.parseInt(args[1]);
        int closedPort = Integer.parseInt(args[2]);
        String secret = args[3];
        String wrong = args[4];
        String encoded = secret.replace("-", "%2D");
        List<String> working = List.of(
                "redis://" + secret + "@127.0.0.1:" + passwordPort,
                "redis://:" + secret + "@127.0.0.1:" + passwordPort,
                "redis://:" + encoded + "@127.0.0.1:" + passwordPort,
                "redis://weft:" + secret + "@127.0.0.1:" + aclPort + "/0?timeout=5s");
        List<String> failing = List.of(
                "redis://weft:" + wrong + "@127.0.0.1:" + aclPort,
                "redis://" + wrong + "@127.0.0.1:" + passwordPort,
                "rediss://weft:" + secret + "@127.0.0.1:" + aclPort + "?timeout=2s",
                "redis+ssl://" + secret + "@127.0.0.1:" + passwordPort + "?timeout=2s",
                "redis+tls://:" + secret + "@127.0.0.1:" + passwordPort + "?timeout=2s",
                "redis://weft:" + secret + "@127.0.0.1:" + closedPort,
                "redis-sentinel://" + secret + "@127.0.0.1:" + closedPort + "#mymaster",
                "redis-sentinel://weft:" + secret + "@127.0.0.1:" + closedPort + ",127.0.0.1:1#mymaster",
                "rediss-sentinel://:" + secret + "@127.0.0.1:" + closedPort + "#mymaster",
                "redis-socket://" + secret + "@/tmp/weft-no-such.sock",
                "redis+socket://weft:" + secret + "@/tmp/weft-no-such.sock",
                "redis://weft:" + secret + "@127.0.0.1:not-a-port",
                "redis://weft:" + secret + "@bad host:6379",
                "redi://weft:" + secret + "@127.0.0.1:6379",
                "redis://:" + secret + "@",
                "redis-sentinel://" + secret + "@127.0.0.1:" + closedPort);
        RedisCacheInvalidatorOptions options = RedisCacheInvalidatorOptions.builder().channel("secrets").build();
        for (String uri : working) {
            try (CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), uri,
                    options);
                 InvalidationPublisher feed = RedisCacheInvalidator.publisher(uri, options)) {
                invalidator.awaitConnected(Duration.ofSeconds(10));
                feed.invalidate("k");
                invalidator.invalidate("k");
                LOG.info("worked: {} / {}", invalidator.status(), feed.status());
            }
        }
        for (String uri : failing) {
            try {
                RedisCacheInvalidator.create(MemoryCachingBackend.create(), uri, options).close();
                LOG.error("unexpectedly worked");
            } catch (RuntimeException e) {
                LOG.error("create failed as expected", e);
            }
            try {
                RedisCacheInvalidator.publisher(uri, options).close();
            } catch (RuntimeException e) {
                LOG.error("publisher failed as expected", e);
            }
        }
        // started disconnected: retried in the background, warnings logged
        try (CacheInvalidator retrying = RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                "redis://weft:" + secret + "@127.0.0.1:" + closedPort, RedisCacheInvalidatorOptions.builder()
                        .requireConnectionAtStart(false).build())) {
            retrying.invalidate("k");
            LOG.info("retrying: {}", retrying.status());
            channel.ready();
            channel.serve(command -> "STATUS".equals(command) ? String.valueOf(retrying.status()) : "OK");
        }
        System.exit(0);
    }
}
