package dev.weft.spring.boot;

import dev.weft.caching.CachingConfigurationException;

import java.util.Objects;

/**
 * A {@code weft.*} property that is missing, has a value Weft refuses, or with which Weft could not start (an
 * unreachable Redis, a missing topic). Thrown while the application context starts, so the start fails; Spring Boot
 * reports it through Weft's failure analyzer with the property, the reason and what to do.
 */
public final class InvalidWeftPropertyException extends CachingConfigurationException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;
    private final String reason;
    private final String action;

    /**
     * @param property the full name of the property, {@code weft.redis.publish-timeout}
     * @param value    its value as shown to the user, or {@code null} when it is missing or secret
     * @param reason   what is wrong, in a sentence
     * @param action   what to do about it, in a sentence
     * @param cause    what Weft threw, or {@code null}
     */
    public InvalidWeftPropertyException(String property, String value, String reason, String action,
                                        Throwable cause) {
        super(message(property, value, reason), cause);
        this.property = Objects.requireNonNull(property, "property");
        this.value = value;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.action = Objects.requireNonNull(action, "action");
    }

    private static String message(String property, String value, String reason) {
        return "Invalid Weft configuration: '" + property + "'" + (value != null ? " = '" + value + "'" : "")
                + ": " + reason;
    }

    /** The full name of the property at fault. */
    public String property() {
        return property;
    }

    /** The value as shown to the user; {@code null} when missing or secret. */
    public String value() {
        return value;
    }

    /** What is wrong. */
    public String reason() {
        return reason;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
