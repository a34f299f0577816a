package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;

import java.util.Set;

/**
 * What the Caffeine cache holds for a key: the item itself (an entry is the {@link CacheItem} a hit returns, so a hit
 * allocates nothing and an entry is one object), whether its removal has begun, and when a hit must stop answering.
 *
 * <p>Expiration is checked here, on read, rather than by a Caffeine {@code Expiry}: a cache with variable expiration
 * gives up Caffeine's read fast path (every hit goes through the read buffer and schedules maintenance), which
 * doubled the cost of a hit. An entry that never expires is this class alone, 32 bytes with compressed references;
 * the others are a {@link TimedEntry}.
 */
public class Entry extends CacheItem {

    /** A deadline that never comes. */
    public static final long NEVER = Long.MAX_VALUE;

    final Object value;
    final Set<String> dependencies;
    /**
     * The ticker time from which a hit no longer answers: the earlier of the expiration and the eager-refresh point;
     * {@link #NEVER} for an entry that never expires. The hit path compares it with the clock and nothing else.
     */
    volatile long hitDeadline = NEVER;
    /**
     * Set, under the key's lock, before the entry leaves the dependency index, so that from that moment on a reader
     * treats it as gone: otherwise an invalidation that no longer finds the key in the index could return while the
     * entry is still visible, during another invalidation's removal of it.
     */
    private volatile boolean removed;

    /** An entry that never expires. */
    public Entry(Object value, Set<String> dependencies) {
        this.value = value;
        this.dependencies = dependencies;
    }

    /** The entry for {@code item}, stored at ticker time {@code now} (unused when it never expires). */
    public static Entry of(CacheItem item, long now) {
        Expiration e = item.expiration();
        if (!e.expires()) {
            return new Entry(item.value(), item.dependencies());
        }
        return new TimedEntry(item.value(), item.dependencies(), e, now);
    }

    @Override
    public final Object value() {
        return value;
    }

    @Override
    public final Set<String> dependencies() {
        return dependencies;
    }

    @Override
    public Expiration expiration() {
        return Expiration.NEVER;
    }

    /** The hit path's deadline; see {@link #hitDeadline}. */
    public final long hitDeadline() {
        return hitDeadline;
    }

    /** Records a read at {@code now}, on a hit: a sliding expiration moves forward. */
    public void touch(long now) {
    }

    /** Whether a removal of this entry has begun. */
    public final boolean isRemoved() {
        return removed;
    }

    /** Marks this entry as being removed; call before unindexing it. */
    public final void markRemoved() {
        removed = true;
    }
}
