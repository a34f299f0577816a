package dev.weft.spring.boot.actuate;

import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendStatus;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code weftRedisLevel} health contributor, with {@code weft.redis.l2.enabled}: {@code UP} while calls use Redis,
 * {@code DEGRADED} while they go on without it (Redis unreachable, or invalidations waiting to reach it): slower, not
 * failed, so it is not {@code DOWN}. The local level's sync is the {@code weft} contributor's. Details: whether Redis
 * is used, since when not, and the counters of {@link RedisCachingBackendStatus}.
 */
public class RedisLevelHealthIndicator extends AbstractHealthIndicator {

    /** Calls go on without the Redis level: slower, not failed. */
    public static final Status DEGRADED = new Status("DEGRADED", "calls go on without the Redis level");

    private final RedisCachingBackend backend;

    public RedisLevelHealthIndicator(RedisCachingBackend backend) {
        super("Weft Redis level health check failed");
        this.backend = backend;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        RedisCachingBackendStatus s = backend.status();
        if (s.health() == RedisCachingBackendStatus.Health.CLOSED) {
            builder.outOfService();
        } else if (s.redisAvailable()) {
            builder.up();
        } else {
            builder.status(DEGRADED);
        }
        builder.withDetail("redisAvailable", s.redisAvailable());
        if (s.redisUnavailableSince() != null) {
            builder.withDetail("redisUnavailableSince", s.redisUnavailableSince().toString());
        }
        builder.withDetail("hits", s.hits()).withDetail("misses", s.misses()).withDetail("writes", s.writes())
                .withDetail("writesRefused", s.writesRefused()).withDetail("writesHeldBack", s.writesHeldBack())
                .withDetail("errors", s.errors()).withDetail("circuitOpenings", s.circuitOpenings())
                .withDetail("pendingInvalidations", s.pendingInvalidations())
                .withDetail("serializationFailures", s.serializationFailures());
    }
}
