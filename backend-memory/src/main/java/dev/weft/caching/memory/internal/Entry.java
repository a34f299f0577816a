package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.CacheItem;

/**
 * What the Caffeine cache holds for a key: the item and, for items with both sliding and absolute expiration, the
 * ticker time past which no read extends its life.
 */
public final class Entry {

    final CacheItem item;
    /** Written by the Expiry under the entry's lock when the entry is created; read by the Expiry under it too. */
    long absoluteDeadline = Long.MAX_VALUE;

    public Entry(CacheItem item) {
        this.item = item;
    }

    public CacheItem item() {
        return item;
    }
}
