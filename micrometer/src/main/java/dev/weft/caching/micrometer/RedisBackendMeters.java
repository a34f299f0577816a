package dev.weft.caching.micrometer;

import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The Redis level's meters ({@code weft.l2.*}), tagged {@code cache=weft-l2}: read from {@link RedisCachingBackend#status()} when the
 * registry polls, so the backend counts once and the hit path pays nothing. In its own class so that WeftMetrics
 * loads without weft-backend-redis on the class path.
 */
public final class RedisBackendMeters {

    private RedisBackendMeters() {
    }

    /**
     * A binder of the Redis level's meters alone (not the per-method ones, nor the local cache's sync: bind those with
     * {@link WeftMetrics}), for frameworks that bind every {@code MeterBinder} they find.
     */
    public static io.micrometer.core.instrument.binder.MeterBinder binder(RedisCachingBackend backend) {
        return registry -> bind(registry, backend, Tags.empty());
    }

    static void bind(MeterRegistry registry, RedisCachingBackend backend, Tags common) {
        Tags tags = common.and("cache", "weft-l2");
        counter(registry, backend, "weft.l2.gets", s -> s.hits(), tags.and("result", "hit"),
                "Reads from Redis that found a value");
        counter(registry, backend, "weft.l2.gets", s -> s.misses(), tags.and("result", "miss"),
                "Reads from Redis that found none");
        FunctionTimer.builder("weft.l2.read.duration", backend, b -> b.status().reads(),
                        b -> b.status().readNanos(), TimeUnit.NANOSECONDS)
                .tags(tags).description("Time callers waited for reads from Redis").register(registry);
        counter(registry, backend, "weft.l2.writes", s -> s.writes(), tags.and("result", "stored"),
                "Values stored in Redis");
        counter(registry, backend, "weft.l2.writes", s -> s.writesRefused(), tags.and("result", "refused"),
                "Stores refused in Redis: an invalidation on some instance overlapped the load");
        counter(registry, backend, "weft.l2.writes", s -> s.writesHeldBack(), tags.and("result", "held-back"),
                "Results kept out of Redis (stored locally only)");
        counter(registry, backend, "weft.l2.errors", s -> s.errors(), tags,
                "Redis commands that failed or timed out");
        counter(registry, backend, "weft.l2.bypassed", s -> s.bypassed(), tags,
                "Calls that did not try Redis while it was unreachable");
        counter(registry, backend, "weft.l2.serialization.failures", s -> s.serializationFailures(), tags,
                "Values that could not be written to or read from Redis");
        counter(registry, backend, "weft.l2.peer.waits", s -> s.peerWaits(), tags,
                "Misses that waited for another instance's load");
        Gauge.builder("weft.l2.available", backend, b -> b.status().redisAvailable() ? 1 : 0)
                .tags(tags).description("1 while calls use Redis").register(registry);
        Gauge.builder("weft.l2.invalidations.pending", backend, b -> b.status().pendingInvalidations())
                .tags(tags).description("Invalidations waiting for Redis to be reachable").register(registry);
    }

    private static void counter(MeterRegistry registry, RedisCachingBackend backend, String name,
                                ToDoubleFunction<RedisCachingBackendStatus> value, Tags tags, String description) {
        FunctionCounter.builder(name, backend, b -> value.applyAsDouble(b.status()))
                .tags(tags).description(description).register(registry);
    }
}
