package dev.weft.caching.invalidation;

/** What a receiver does when a sequence gap shows that invalidation messages from another instance were lost. */
public enum OnMessageLoss {
    /** Clear the local cache: whatever the lost messages invalidated is gone. The default. */
    CLEAR_LOCAL_CACHE,
    /** Only log and count the loss (entries may be stale until they expire). */
    LOG_ONLY
}
