package dev.weft.spring.boot;

import dev.weft.spring.boot.actuate.WeftHealthAutoConfiguration;
import dev.weft.spring.boot.actuate.WeftHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ApplicationContext;

import java.util.Map;


/**
 * What the tests read differently on each Spring Boot line: the {@code weft} health, whose types moved package in Boot
 * 4. This is the Boot 4 version, in a test source folder of its own (src/test/boot4); tests-spring-boot3, which runs
 * these tests on Boot 3, compiles its own instead.
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
        Health health = context.getBean("weftHealthIndicator", WeftHealthIndicator.class).health(true);
        return new HealthView(health.getStatus().getCode(), health.getDetails());
    }

    /** The {@code weftRedisLevel} health indicator's result, details included. */
    public static HealthView redisLevelHealth(ApplicationContext context) {
        Health health = context.getBean("weftRedisLevelHealthIndicator", dev.weft.spring.boot.actuate.RedisLevelHealthIndicator.class)
                .health(true);
        return new HealthView(health.getStatus().getCode(), health.getDetails());
    }
}
