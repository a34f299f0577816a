package dev.weft.caching;

/**
 * Formats values of a type the application does not own into cache-key text. Register one with
 * {@link CachingServices#registerKeyFormatter(Class, KeyFormatter)}.
 *
 * <p>The output must be identical in every JVM for equal values, must distinguish unequal values, and must not
 * depend on identity hash codes. Implementations must be thread-safe.
 *
 * @param <T> the formatted type
 */
@FunctionalInterface
public interface KeyFormatter<T> {

    /** Appends the key text of {@code value}, which is never {@code null}, to {@code out}. */
    void format(T value, StringBuilder out);
}
