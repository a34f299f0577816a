package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.CacheItem;

/**
 * What the Caffeine cache holds for a key: the item and, for items with both sliding and absolute expiration, the
 * ticker time past which no read extends its life.
 */
public final class Entry {

    final CacheItem item;
    /**
     * Set, under the key's lock, before the entry leaves the dependency index, so that from that moment on a reader
     * treats it as gone: otherwise an invalidation that no longer finds the key in the index could return while the
     * entry is still visible, during another invalidation's removal of it.
     */
    volatile boolean removed;
    /** Written by the Expiry under the entry's lock when the entry is created; read by the Expiry under it too. */
    long absoluteDeadline = Long.MAX_VALUE;

    public Entry(CacheItem item) {
        this.item = item;
    }

    public CacheItem item() {
        return item;
    }

    /** Whether a removal of this entry has begun. */
    public boolean isRemoved() {
        return removed;
    }

    /** Marks this entry as being removed; call before unindexing it. */
    public void markRemoved() {
        removed = true;
    }
}
