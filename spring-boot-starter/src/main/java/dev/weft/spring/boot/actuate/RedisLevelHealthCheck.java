package dev.weft.spring.boot.actuate;

import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code weftRedisLevel} health contributor reports, whatever the Spring Boot line: {@code UP} while calls
 * use Redis, {@code DEGRADED} while they go on without it (Redis unreachable, or invalidations waiting to reach it):
 * slower, not failed, so never {@code DOWN}; {@code OUT_OF_SERVICE} once closed. Details: whether Redis is used, since
 * when not, and the counters of {@link RedisCachingBackendStatus}. Each line's indicator turns this into its own
 * health type. Thread-safe.
 */
public final class RedisLevelHealthCheck {

    /** The status code of calls going on without the Redis level. */
    public static final String DEGRADED = "DEGRADED";

    private final RedisCachingBackend backend;

    public RedisLevelHealthCheck(RedisCachingBackend backend) {
        this.backend = backend;
    }

    /** The status code ({@code UP}, {@value #DEGRADED}, {@code OUT_OF_SERVICE}) and the details, now. */
    public Map.Entry<String, Map<String, Object>> check() {
        RedisCachingBackendStatus s = backend.status();
        String status = s.health() == RedisCachingBackendStatus.Health.CLOSED ? "OUT_OF_SERVICE"
                : s.redisAvailable() ? "UP" : DEGRADED;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("redisAvailable", s.redisAvailable());
        if (s.redisUnavailableSince() != null) {
            details.put("redisUnavailableSince", s.redisUnavailableSince().toString());
        }
        details.put("hits", s.hits());
        details.put("misses", s.misses());
        details.put("writes", s.writes());
        details.put("writesRefused", s.writesRefused());
        details.put("writesHeldBack", s.writesHeldBack());
        details.put("errors", s.errors());
        details.put("circuitOpenings", s.circuitOpenings());
        details.put("pendingInvalidations", s.pendingInvalidations());
        details.put("serializationFailures", s.serializationFailures());
        return Map.entry(status, details);
    }
}
