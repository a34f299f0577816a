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

    /** {@link #state}: a reader gets the entry. */
    private static final byte VISIBLE = 0;
    /** {@link #state}: put by a store that has not finished its checks; a reader treats it as absent. */
    private static final byte HIDDEN = 1;
    /** {@link #state}: its removal has begun; final. */
    private static final byte REMOVED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Entry.class, "state", byte.class);
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
     * {@link #VISIBLE}, {@link #HIDDEN} or {@link #REMOVED}; a reader gets the entry only when visible (a byte, like
     * the boolean it replaced: the entry stays 32 bytes). REMOVED is set, under the key's lock, before the entry
     * leaves the dependency index, so that from that moment on a reader treats it as gone: otherwise an invalidation
     * that no longer finds the key in the index could return while the entry is still visible, during another
     * invalidation's removal of it. HIDDEN is set while the store that put the entry has not yet finished its checks
     * of the invalidation log ({@link #hide}). REMOVED is final: {@link #show} never undoes it.
     */
    private volatile byte state;

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

    /** Whether a reader must treat the entry as absent: its removal has begun, or its store has not shown it yet. */
    public final boolean isRemoved() {
        return state != VISIBLE;
    }

    /**
     * Hides an entry about to be put in the map: readers treat it as absent until {@link #show}. For a store that
     * checks the invalidation log after the entry is in the map (see {@code MemoryCachingBackend.set}).
     */
    public final void hide() {
        // a plain write: the entry is not shared yet, and the map's put publishes it
        STATE.set(this, HIDDEN);
    }

    /**
     * Shows an entry hidden by {@link #hide} once its store passed its checks, unless its removal has begun
     * meanwhile: a removed entry stays removed.
     *
     * <p>Not a plain write of VISIBLE: a removal (an invalidation, a clear, an eviction, a replacement) may have marked
     * the entry removed and still be inside its atomic update of the key, the entry still in the map, having already
     * taken the key out of the dependency index. An invalidation of one of the entry's dependencies then finds nothing
     * and returns; had the show un-removed the entry, a read after that return would get it until the removal's
     * update ended. StaleWriteBackRaceTest's harness saw exactly that, once in 40 runs (a transient stale hit, two
     * invalidations behind); StoreInterleavingTest#aStoreFinishingDuringARemovalOfItsEntryNeverShowsIt forces it.
     */
    public final void show() {
        // atomic, so that it fails on an entry whose removal wrote REMOVED first; a miss pays one CAS for it
        STATE.compareAndSet(this, HIDDEN, VISIBLE);
    }

    /** Marks this entry as being removed; call before unindexing it. Final: {@link #show} does not undo it. */
    public final void markRemoved() {
        state = REMOVED;
    }
}
