package dev.weft.caching.backend;

/**
 * Turns cached values into bytes and back, for a backend that keeps values outside the JVM: a level shared by several
 * instances, such as {@code RedisCachingBackend}. The bytes one instance writes are read by others, possibly running
 * another build of the application, so they are input from outside: a serializer must never let them choose what
 * code runs.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe; called on the caller's thread, on a miss (serialize) and on a read from the shared level
 *       (deserialize).</li>
 *   <li>{@code deserialize(serialize(v))} equals {@code v} for every value the application caches, {@code null} and
 *       {@code Optional.empty()} included, with the same class (a record comes back as that record, a
 *       {@code List<Product>} as a list of {@code Product}).</li>
 *   <li>{@link #deserialize} never instantiates a class the application did not allow, whatever the bytes name:
 *       no Java native deserialization of bytes read from the network.</li>
 *   <li>A value it cannot write, or bytes it cannot read or refuses, is a {@link ValueSerializationException}. The
 *       backend logs and counts it and treats the value as not shared (the caller still gets its result); it never
 *       reaches the business method.</li>
 * </ul>
 */
public interface ValueSerializer {

    /**
     * A short name of this serializer and its format version, stored beside every value: an instance that reads a
     * value written with another format treats it as absent instead of misreading it. At most 32 ASCII characters.
     */
    String formatId();

    /**
     * The bytes of {@code value}, which may be {@code null}.
     *
     * @throws ValueSerializationException if the value, or something it holds, cannot or may not be written
     */
    byte[] serialize(Object value);

    /**
     * The value {@code bytes} hold.
     *
     * @throws ValueSerializationException if the bytes are malformed or name a class that is not allowed
     */
    Object deserialize(byte[] bytes);
}
