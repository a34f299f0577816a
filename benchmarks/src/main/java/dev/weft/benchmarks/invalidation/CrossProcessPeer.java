package dev.weft.benchmarks.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.testing.jvm.ChildChannel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Instance B of {@link CrossProcessLatency}, in its own JVM: for {@code lettuceAsync}, a raw Lettuce subscriber; for
 * {@code weft} and {@code weftSigned}, a {@link CacheInvalidator} over a memory backend holding every key. When an
 * invalidation has been applied (the listener ran, or the entry is gone), it writes the time into the key's slot of
 * the shared file; then it puts the entry back, outside the measured span. Arguments: variant, Redis URI, slot file.
 */
public final class CrossProcessPeer {

    private CrossProcessPeer() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        String variant = args[0];
        RedisURI uri = RedisURI.create(args[1]);
        SharedSlots slots = new SharedSlots(Path.of(args[2]));
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < InvalidationKeys.COUNT; i++) {
            index.put(InvalidationKeys.key(i), i);
        }
        AutoCloseable running;
        if (variant.equals("lettuceAsync")) {
            RedisClient client = RedisClient.create();
            StatefulRedisPubSubConnection<byte[], byte[]> s = client.connectPubSub(ByteArrayCodec.INSTANCE, uri);
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] c, byte[] message) {
                    Integer i = index.get(InvalidationKeys.keyAtEnd(message));
                    if (i != null) {
                        slots.set(i, System.nanoTime());
                    }
                }
            });
            s.sync().subscribe(RawLettuce.CHANNEL);
            running = () -> {
                s.close();
                client.shutdown();
            };
        } else {
            MemoryCachingBackend memory = MemoryCachingBackend.builder().maximumSize(10_000).build();
            CachingBackend signalling = new SlotSignallingBackend(memory, slots, index);
            CacheInvalidator b = RedisCacheInvalidator.create(signalling, uri,
                    CrossProcessLatency.options(variant.equals("weftSigned")));
            if (!b.awaitConnected(Duration.ofSeconds(20))) {
                throw new IllegalStateException("not subscribed: " + b.status());
            }
            for (int i = 0; i < InvalidationKeys.COUNT; i++) {
                refill(memory, InvalidationKeys.key(i));
            }
            running = b;
        }
        channel.ready();
        channel.serve(command -> "OK");
        running.close();
        System.exit(0);
    }

    private static void refill(CachingBackend backend, String key) {
        LoadToken load = backend.beginLoad(ItemKey.of(key));
        backend.set(load, CacheItem.of(key));
    }

    /** B's backend: once an invalidation removed the entry, the time goes into the key's slot; then the entry is back. */
    private static final class SlotSignallingBackend implements CachingBackend {
        private final CachingBackend delegate;
        private final SharedSlots slots;
        private final Map<String, Integer> index;

        SlotSignallingBackend(CachingBackend delegate, SharedSlots slots, Map<String, Integer> index) {
            this.delegate = delegate;
            this.slots = slots;
            this.index = index;
        }

        @Override
        public CacheItem get(ItemKey key) {
            return delegate.get(key);
        }

        @Override
        public LoadToken beginLoad(ItemKey key) {
            return delegate.beginLoad(key);
        }

        @Override
        public boolean set(LoadToken load, CacheItem item) {
            return delegate.set(load, item);
        }

        @Override
        public void abandon(LoadToken load) {
            delegate.abandon(load);
        }

        @Override
        public boolean isStale(LoadToken load, java.util.Set<String> dependencies) {
            return delegate.isStale(load, dependencies);
        }

        @Override
        public void invalidate(String key) {
            delegate.invalidate(key);
            Integer i = index.get(key);
            if (i != null) {
                slots.set(i, System.nanoTime());
                refill(delegate, key);
            }
        }

        @Override
        public void invalidateDependency(String dependency) {
            delegate.invalidateDependency(dependency);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
