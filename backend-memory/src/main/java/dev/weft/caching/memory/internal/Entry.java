package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemRead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * What the Caffeine cache holds for a key: the item itself (an entry is the {@link CacheItem} a hit returns, so a hit
 * allocates nothing and an entry is one object), whether its removal has begun, and when a hit must stop answering.
 *
 * <p>Expiration is checked here, on read, rather than by a Caffeine {@code Expiry}: a cache with variable expiration
 * gives up Caffeine's read fast path (every hit goes through the read buffer and schedules maintenance), which
 * doubled the cost of a hit. An entry that never expires is this class alone, 32 bytes with compressed references;
 * one with an absolute expiration only (and perhaps a fail-safe period) is an {@link AbsoluteEntry}, 40 bytes; the
 * others (sliding expiration, eager refresh) are a {@link TimedEntry}, 64 bytes.
 */
public class Entry extends CacheItem {

    /** A deadline that never comes. */
    public static final long NEVER = Long.MAX_VALUE;

    private static final VarHandle REMOVED;

    static {
        try {
            REMOVED = MethodHandles.lookup().findVarHandle(Entry.class, "removed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
     * entry is still visible, during another invalidation's removal of it. Also set while a store that put the entry
     * without the key's lock has not yet checked the invalidation log ({@link #hide}).
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
        if (e.slidingNanos() == Expiration.NONE && e.refreshAfterNanos() == Expiration.NONE) {
            return new AbsoluteEntry(item.value(), item.dependencies(), e, now);
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

    /**
     * How fresh the entry is at {@code now}, for the load path; {@code null} when it expired and its fail-safe period
     * is over too. This class never expires.
     */
    ItemRead.State stateAt(long now) {
        return ItemRead.State.FRESH;
    }

    /** Whether the entry is past its fail-safe period (or expired, when it has none) at {@code now}. */
    boolean isGoneAt(long now) {
        return false;
    }

    /** Whether a removal of this entry has begun. */
    public final boolean isRemoved() {
        return removed;
    }

    /**
     * Hides an entry about to be put in the map: readers treat it as absent until {@link #show}. For a store that
     * checks the invalidation log after the entry is in the map (see {@code MemoryCachingBackend.set}).
     */
    public final void hide() {
        // a plain write: the entry is not shared yet, and the map's put publishes it
        REMOVED.set(this, true);
    }

    /**
     * Shows an entry hidden by {@link #hide} once its store passed its check. If the entry was removed meanwhile
     * (an invalidation, an eviction), it is no longer in the map: showing it makes nothing visible.
     */
    public final void show() {
        // a release write, no full fence: nothing this thread does next depends on others seeing it at once
        REMOVED.setRelease(this, false);
    }

    /** Marks this entry as being removed; call before unindexing it. */
    public final void markRemoved() {
        removed = true;
    }
}
