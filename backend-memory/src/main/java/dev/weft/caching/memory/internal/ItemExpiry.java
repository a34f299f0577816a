package dev.weft.caching.memory.internal;

import com.github.benmanes.caffeine.cache.Expiry;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;

/**
 * Per-item expiration: absolute (from the store), sliding (from the last read), or both (a read extends the life by
 * the sliding time, but never past the absolute deadline).
 */
public final class ItemExpiry implements Expiry<ItemKey, Entry> {

    @Override
    public long expireAfterCreate(ItemKey key, Entry entry, long currentTime) {
        CacheItem item = entry.item;
        long absolute = item.absoluteExpirationNanos();
        entry.absoluteDeadline = absolute == CacheItem.NO_EXPIRATION ? Long.MAX_VALUE : saturatedAdd(currentTime, absolute);
        return Math.min(absolute, item.slidingExpirationNanos());
    }

    @Override
    public long expireAfterUpdate(ItemKey key, Entry entry, long currentTime, long currentDuration) {
        return expireAfterCreate(key, entry, currentTime);
    }

    @Override
    public long expireAfterRead(ItemKey key, Entry entry, long currentTime, long currentDuration) {
        long sliding = entry.item.slidingExpirationNanos();
        if (sliding == CacheItem.NO_EXPIRATION) {
            return currentDuration;
        }
        long untilDeadline = entry.absoluteDeadline == Long.MAX_VALUE ? Long.MAX_VALUE
                : Math.max(0, entry.absoluteDeadline - currentTime);
        return Math.min(sliding, untilDeadline);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
