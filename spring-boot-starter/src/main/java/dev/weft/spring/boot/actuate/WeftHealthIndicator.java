package dev.weft.spring.boot.actuate;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.OnMessageLoss;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code weft} health contributor on Spring Boot 4: whether this instance's cache can be trusted to be in sync
 * with the others. Reports what {@link WeftHealthCheck} finds (its Javadoc has the rules). On Boot 3,
 * {@code dev.weft.spring.boot.actuate.boot3.WeftHealthIndicator} reports the same. Thread-safe.
 */
public class WeftHealthIndicator extends AbstractHealthIndicator {

    private final WeftHealthCheck check;

    /**
     * @param invalidator   the invalidator, or {@code null} when there is none
     * @param onMessageLoss what the invalidator does on a gap; with {@code LOG_ONLY} a gap is not recovered until the
     *                      next (re)subscription clears the cache
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
