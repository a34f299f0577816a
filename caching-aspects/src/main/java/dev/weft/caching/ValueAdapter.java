package dev.weft.caching;

/**
 * Stores results that cannot be kept as they are: a {@code Stream} or an {@code InputStream} can be read once, so the
 * cache keeps a materialized copy (a list, a byte array) and gives each caller a fresh one over it.
 *
 * <p>Built in: {@code java.util.stream.Stream} (stored as a list), {@code java.util.Iterator} (a list) and
 * {@code java.io.InputStream} (a byte array). Register others with {@link CachingServices#registerValueAdapter}
 * before the first call of a method that returns the type; a method uses the adapter registered for its declared
 * return type, or for the nearest supertype. Implementations must be thread-safe.
 *
 * @param <T> the declared return type handled
 */
public interface ValueAdapter<T> {

    /** The return type this adapter handles (and its subtypes). */
    Class<T> type();

    /** Turns a method's result into what the cache stores; called once per load, on the loading thread. */
    Object toStored(T returned) throws Exception;

    /** Gives one caller its own view over the stored value; called on every hit, so keep it cheap. */
    T fromStored(Object stored);
}
