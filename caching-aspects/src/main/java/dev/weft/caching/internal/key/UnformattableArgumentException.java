package dev.weft.caching.internal.key;

/**
 * Thrown by {@link KeyFormatting} for a value that has no deterministic key text. Callers that know the method and
 * parameter turn it into a {@code CachingConfigurationException} naming them.
 */
public final class UnformattableArgumentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Class<?> type;
    private final String reason;

    UnformattableArgumentException(Class<?> type) {
        this(type, null);
    }

    /** A type Weft cannot format, for {@code reason} (a sentence); {@code null} for an identity-hash toString(). */
    UnformattableArgumentException(Class<?> type, String reason) {
        super(null, null, false, false);
        this.type = type;
        this.reason = reason;
    }

    /** The class whose instances cannot be formatted. */
    public Class<?> type() {
        return type;
    }

    @Override
    public String getMessage() {
        return reason != null ? reason : describe(type);
    }

    /** Explains why the type cannot be part of a key and the three ways out. */
    public static String describe(Class<?> type) {
        return "type " + type.getName() + " has no deterministic cache-key form (its toString() is Object's, which "
                + "shows an identity hash that differs in every JVM); implement dev.weft.caching.CacheKey, register a "
                + "formatter with CachingServices.registerKeyFormatter(" + type.getSimpleName() + ".class, ...), or "
                + "mark the parameter @NotCacheKey";
    }
}
