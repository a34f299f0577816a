package dev.weft.spring.boot.actuate;

import dev.weft.caching.redis.backend.RedisCachingBackend;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.Map;

/**
 * The {@code weftRedisLevel} health contributor, with {@code weft.redis.l2.enabled}: reports what
 * {@link RedisLevelHealthCheck} finds ({@code UP}, {@code DEGRADED}, never {@code DOWN}). The local level's sync is the
 * {@code weft} contributor's. This is the Boot 4 indicator; {@code actuate.boot3.RedisLevelHealthIndicator} is Boot
 * 3's.
 */
public class RedisLevelHealthIndicator extends AbstractHealthIndicator {

    private final RedisLevelHealthCheck check;

    public RedisLevelHealthIndicator(RedisCachingBackend backend) {
        super("Weft Redis level health check failed");
        this.check = new RedisLevelHealthCheck(backend);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map.Entry<String, Map<String, Object>> result = check.check();
        builder.status(result.getKey()).withDetails(result.getValue());
    }
}
