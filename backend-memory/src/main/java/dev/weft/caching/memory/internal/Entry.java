package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.CacheItem;

/**
 * What the Caffeine cache holds for a key: the item, its expiration state, and whether its removal has begun.
 *
 * <p>Expiration is checked here, on read, rather than by a Caffeine {@code Expiry}: a cache with variable expiration
 * gives up Caffeine's read fast path (every hit goes through the read buffer and schedules maintenance), which
 * doubled the cost of a hit. An item without expiration never reads the clock.
 */
public final class Entry {

    private static final long NEVER = Long.MAX_VALUE;

    final CacheItem item;
    /** Whether the item expires at all: when false, a read touches nothing but this object. */
    final boolean mayExpire;
    private final long absoluteDeadline;
    private final long sliding;
    /** The sliding deadline, moved forward by reads; never past the absolute one. */
    private volatile long slidingDeadline;
    /**
     * Set, under the key's lock, before the entry leaves the dependency index, so that from that moment on a reader
     * treats it as gone: otherwise an invalidation that no longer finds the key in the index could return while the
     * entry is still visible, during another invalidation's removal of it.
     */
    private volatile boolean removed;

    /** An entry stored at ticker time {@code now} (ignored when the item does not expire). */
    public Entry(CacheItem item, long now) {
        this.item = item;
        long absolute = item.absoluteExpirationNanos();
        this.sliding = item.slidingExpirationNanos();
        this.mayExpire = absolute != CacheItem.NO_EXPIRATION || sliding != CacheItem.NO_EXPIRATION;
        this.absoluteDeadline = absolute == CacheItem.NO_EXPIRATION ? NEVER : saturatedAdd(now, absolute);
        this.slidingDeadline = sliding == CacheItem.NO_EXPIRATION ? NEVER
                : Math.min(saturatedAdd(now, sliding), absoluteDeadline);
    }

    public CacheItem item() {
        return item;
    }

    /** Whether the item expires at all. */
    public boolean mayExpire() {
        return mayExpire;
    }

    /** Whether the item is expired at ticker time {@code now}. */
    public boolean isExpiredAt(long now) {
        return reached(now, absoluteDeadline) || reached(now, slidingDeadline);
    }

    /** Records a read at {@code now}: moves the sliding deadline forward, up to the absolute one. */
    public void touch(long now) {
        if (sliding != CacheItem.NO_EXPIRATION) {
            slidingDeadline = Math.min(saturatedAdd(now, sliding), absoluteDeadline);
        }
    }

    private static boolean reached(long now, long deadline) {
        return deadline != NEVER && now - deadline >= 0;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? NEVER - 1 : r;
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
