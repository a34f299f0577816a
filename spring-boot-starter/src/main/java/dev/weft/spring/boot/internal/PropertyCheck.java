package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.spring.boot.InvalidWeftPropertyException;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Hands property values to Weft's builders, which validate each value as it is set, and turns what a builder refuses
 * into an {@link InvalidWeftPropertyException} naming the property. The builders stay the one place where Weft's
 * rules live; this class only adds the property's name, and hides values that may hold a secret.
 */
public final class PropertyCheck {

    private PropertyCheck() {
    }

    /** Passes {@code value} to {@code setter}; a refusal names {@code property} and shows the value. */
    public static <T> void apply(String property, T value, Consumer<? super T> setter) {
        apply(property, value, false, setter);
    }

    /** Passes a value that may contain a secret (a password, a key): a refusal names the property only. */
    public static <T> void applySecret(String property, T value, Consumer<? super T> setter) {
        apply(property, value, true, setter);
    }

    /** Turns {@code value} into what Weft needs with {@code conversion}; a refusal names {@code property}. */
    public static <T, R> R convert(String property, T value, Function<? super T, R> conversion) {
        if (value == null) {
            throw missing(property, "it has no value");
        }
        try {
            return conversion.apply(value);
        } catch (IllegalArgumentException | IllegalStateException | CachingConfigurationException e) {
            throw refused(property, String.valueOf(value), e.getMessage(), e);
        }
    }

    private static <T> void apply(String property, T value, boolean secret, Consumer<? super T> setter) {
        if (value == null) {
            throw missing(property, "it has no value");
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException | IllegalStateException | CachingConfigurationException e) {
            // Weft's own messages about connection strings and URIs already hide keys and passwords
            throw secret ? refused(property, null, "Weft refuses it (the value is not shown: it may contain a "
                    + "secret): " + e.getMessage(), e) : refused(property, String.valueOf(value), e.getMessage(), e);
        }
    }

    private static InvalidWeftPropertyException refused(String property, String shown, String reason,
                                                        RuntimeException cause) {
        return new InvalidWeftPropertyException(property, shown, reason, "Correct '" + property + "'.", cause);
    }

    /** The exception for a property that must be set and is not. */
    public static InvalidWeftPropertyException missing(String property, String why) {
        return new InvalidWeftPropertyException(property, null, "it must be set: " + why,
                "Set '" + property + "' in application.properties/yml or the environment.", null);
    }

    /** The exception for a property whose value does not fit the others. */
    public static InvalidWeftPropertyException conflict(String property, String value, String reason, String action) {
        return new InvalidWeftPropertyException(property, value, reason, action, null);
    }
}
