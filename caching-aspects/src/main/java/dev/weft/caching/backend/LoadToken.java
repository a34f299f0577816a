package dev.weft.caching.backend;

/**
 * A load in progress, from {@link CachingBackend#beginLoad(ItemKey)} to {@link CachingBackend#set(LoadToken, CacheItem)}
 * or {@link CachingBackend#abandon(LoadToken)}. The backend uses it to refuse the write-back of a value that an
 * invalidation made stale while it was being computed.
 *
 * <p>A token is used by one thread at a time and ends exactly once; {@link CachingBackend#isStale} may be asked about
 * it from any thread until it ends.
 */
public interface LoadToken {

    /** The key being loaded. */
    ItemKey key();
}
