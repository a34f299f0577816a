package dev.weft.spring.boot.actuate.boot3;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.spring.boot.actuate.WeftHealthCheck;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code weft} health contributor on Spring Boot 3 (whose health types live in
 * {@code org.springframework.boot.actuate.health}): reports what {@link WeftHealthCheck} finds, as
 * {@code dev.weft.spring.boot.actuate.WeftHealthIndicator} does on Boot 4. Compiled against Boot 3.5's actuator.
 * Thread-safe.
 */
public class WeftHealthIndicator extends AbstractHealthIndicator {

    private final WeftHealthCheck check;

    /**
     * @param invalidator   the invalidator, or {@code null} when there is none
     * @param onMessageLoss what the invalidator does on a gap
     */
    public WeftHealthIndicator(CacheInvalidator invalidator, OnMessageLoss onMessageLoss) {
        super("Weft health check failed");
        this.check = new WeftHealthCheck(invalidator, onMessageLoss);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        WeftHealthCheck.Result result = check.check();
        builder.status(result.status().name()).withDetails(result.details());
    }
}
