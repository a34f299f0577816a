package dev.weft.caching.invalidation;

/**
 * Publishes invalidations to every instance that listens, without a cache of its own: for a process that changes
 * data and must tell the instances that cache it (a change feed, a batch job, an admin tool). Obtained from a
 * transport module, e.g. {@code RedisCacheInvalidator.publisher(...)}.
 *
 * <p>Thread-safe. Calls return as the options' {@link PublishMode} says; transport errors are logged and counted, and
 * the message is retried until it goes through or the publisher is closed.
 */
public interface InvalidationPublisher extends AutoCloseable {

    /** Invalidates the item with this canonical key (and the items depending on it) in every instance. */
    void invalidate(String key);

    /** Invalidates every item carrying this dependency, in every instance. */
    void invalidateDependency(String dependency);

    /** Clears every instance's cache. */
    void clear();

    /** Counters and connection state. */
    InvalidatorStatus status();

    /** Sends what is pending (waiting a bounded time), then releases the transport. Closing twice is harmless. */
    @Override
    void close();
}
