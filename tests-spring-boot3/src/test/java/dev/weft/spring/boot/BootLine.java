package dev.weft.spring.boot;

import dev.weft.spring.boot.actuate.boot3.WeftHealthAutoConfiguration;
import dev.weft.spring.boot.actuate.boot3.WeftHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.context.ApplicationContext;

import java.util.Map;


/**
 * What the starter's tests read differently on each Spring Boot line: the {@code weft} health, and which auto-configuration makes it. This is the Boot 3
 * version, compiled instead of the starter's Boot 4 one.
 */
public final class BootLine {

    private BootLine() {
    }

    /** This line's auto-configuration of the {@code weft} health indicator. */
    public static Class<?> healthAutoConfiguration() {
        return WeftHealthAutoConfiguration.class;
    }

    /** A health result, as both lines report it. */
    public record HealthView(String status, Map<String, Object> details) {
    }

    /** The {@code weft} health indicator's result, details included. */
    public static HealthView weftHealth(ApplicationContext context) {
        Health health = context.getBean("weftHealthIndicator", WeftHealthIndicator.class).getHealth(true);
        return new HealthView(health.getStatus().getCode(), health.getDetails());
    }

    /** The {@code weftRedisLevel} health indicator's result, details included. */
    public static HealthView redisLevelHealth(ApplicationContext context) {
        Health health = context.getBean("weftRedisLevelHealthIndicator", dev.weft.spring.boot.actuate.boot3.RedisLevelHealthIndicator.class)
                .getHealth(true);
        return new HealthView(health.getStatus().getCode(), health.getDetails());
    }
}
