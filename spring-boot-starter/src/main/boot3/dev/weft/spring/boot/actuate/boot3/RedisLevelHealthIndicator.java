package dev.weft.spring.boot.actuate.boot3;

import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.spring.boot.actuate.RedisLevelHealthCheck;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.util.Map;

/**
 * The {@code weftRedisLevel} health contributor on Spring Boot 3: reports what {@link RedisLevelHealthCheck} finds, as
 * {@code dev.weft.spring.boot.actuate.RedisLevelHealthIndicator} does on Boot 4. Compiled against Boot 3.5's actuator.
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
