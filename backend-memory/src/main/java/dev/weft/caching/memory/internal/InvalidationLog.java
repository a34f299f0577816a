package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells whether a load may store its result (DESIGN invariant 5, "no stale write-back").
 *
 * <p>An invalidation is not instantaneous: it begins, removes what it finds, and ends. A load conflicts with it when
 * the two overlap in time, because a load that began before the invalidation ended may have read the cache (a nested
 * cached call) before the invalidation removed what it read. So each invalidation marks its target (a key, a
 * dependency, or everything) when it begins and again when it ends, taking a number of a global sequence each time
 * and counting itself as active in between. A load token records the sequence number current when the load began.
 * Its result is stale when, for its key or one of its dependencies, an invalidation is active now, or one began or
 * ended after the load began. (Keys and dependencies share one namespace: invalidating a key also invalidates the
 * items that carry it as a dependency; a dependency that merely equals a key refusing that key's store is only a
 * conservative miss.)
 *
 * <p>Why that is enough: if the store's check (made after the entry is indexed, under the key's lock) sees neither
 * the mark nor its activity, the invalidation began after the check, so its removal, which reads the index after
 * marking, finds the entry and removes it.
 *
 * <p>Marks are kept while a load that began before them is in flight: a token is registered before it reads its
 * start number, so pruning, which keeps every mark at or above the oldest registered start (a registered token whose
 * start is not yet written counts as 0) and every active mark, never drops one a live token needs. If tokens leak
 * (never ended) and marks grow past a bound, every token begun so far is refused instead: a refused store is only a
 * miss later, a missed invalidation would be a stale read. Thread-safe.
 */
public final class InvalidationLog {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidationLog.class);

    private static final int PRUNE_THRESHOLD = 1024;
    private static final int HARD_LIMIT = 100_000;

    /** A load in flight. */
    public static final class Token implements LoadToken {
        final ItemKey key;
        volatile long start;

        Token(ItemKey key) {
            this.key = key;
        }

        @Override
        public ItemKey key() {
            return key;
        }

        /** The sequence number current when the load began. */
        public long start() {
            return start;
        }

        @Override
        public String toString() {
            return "LoadToken{" + key + ", start=" + start + '}';
        }
    }

    /** The invalidation state of one target. Mutated only inside the map's atomic operations on its key. */
    private static final class Mark {
        volatile long sequence;
        volatile int active;
    }

    /** An invalidation in progress; {@link #end(Invalidation)} it exactly once. */
    public static final class Invalidation {
        final String target;

        Invalidation(String target) {
            this.target = target;
        }
    }

    private static final Invalidation CLEAR = new Invalidation(null);

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger activeInvalidations = new AtomicInteger();
    private final ConcurrentHashMap<String, Mark> marks = new ConcurrentHashMap<>();
    private final Set<Token> active = ConcurrentHashMap.newKeySet();
    private volatile long lastClear;
    private volatile int activeClears;
    private volatile long refuseBefore;

    /** Starts tracking a load of {@code key}. */
    public Token begin(ItemKey key) {
        Token t = new Token(key);
        active.add(t);
        t.start = sequence.get();
        return t;
    }

    /** Stops tracking a load; ending twice is harmless. */
    public void end(Token t) {
        active.remove(t);
    }

    /** Marks the beginning of an invalidation of a key or dependency. */
    public Invalidation begin(String target) {
        activeInvalidations.incrementAndGet();
        long s = sequence.incrementAndGet();
        marks.compute(target, (k, m) -> {
            Mark mark = m != null ? m : new Mark();
            mark.active++;
            mark.sequence = Math.max(mark.sequence, s);
            return mark;
        });
        return new Invalidation(target);
    }

    /** Marks the beginning of a clear. */
    public Invalidation beginClear() {
        activeInvalidations.incrementAndGet();
        synchronized (this) {
            activeClears++;
            lastClear = sequence.incrementAndGet();
        }
        return CLEAR;
    }

    /** Marks the end of an invalidation or clear. */
    public void end(Invalidation invalidation) {
        long s = sequence.incrementAndGet();
        if (invalidation == CLEAR) {
            synchronized (this) {
                lastClear = s;
                activeClears--;
            }
        } else {
            marks.compute(invalidation.target, (k, m) -> {
                // m cannot be null: an active mark is never pruned
                m.active--;
                m.sequence = Math.max(m.sequence, s);
                return m;
            });
        }
        activeInvalidations.decrementAndGet();
        maybePrune();
    }

    /** Whether an invalidation overlapping the load of {@code t} touches its key or one of its dependencies. */
    public boolean isStale(Token t, String canonicalKey, Collection<String> itemDependencies) {
        long start = t.start;
        if (start < refuseBefore) {
            return true;
        }
        if (sequence.get() == start && activeInvalidations.get() == 0) {
            return false;
        }
        if (activeClears > 0 || lastClear > start) {
            return true;
        }
        if (conflicts(marks.get(canonicalKey), start)) {
            return true;
        }
        for (String dependency : itemDependencies) {
            if (conflicts(marks.get(dependency), start)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any invalidation or clear began since the load of {@code t} began, or is in progress: whether
     * {@link #isStale} could answer {@code true} for some key and dependencies.
     */
    public boolean anyInvalidationSince(Token t) {
        long start = t.start;
        // the same reads, in the same order, as isStale's fast path: an invalidation counts itself active before
        // it takes its sequence number
        return start < refuseBefore || sequence.get() != start || activeInvalidations.get() != 0;
    }

    private static boolean conflicts(Mark m, long start) {
        return m != null && (m.active > 0 || m.sequence > start);
    }

    private void maybePrune() {
        if (marks.size() < PRUNE_THRESHOLD) {
            return;
        }
        // Read the bound before looking at the tokens: a token registered after this reads a start at or above it,
        // so inactive marks at or below it cannot concern that token; marks made after it are kept.
        long bound = sequence.get();
        long keep = bound;
        for (Token t : active) {
            keep = Math.min(keep, t.start);
        }
        prune(keep);
        int left = marks.size();
        if (left > HARD_LIMIT) {
            LOG.warn("{} invalidation marks kept for loads still in flight ({} loads); refusing to store the results "
                    + "of every load begun so far", left, active.size());
            refuseBefore = bound + 1;
            prune(bound);
        }
    }

    private void prune(long upTo) {
        for (String target : marks.keySet()) {
            marks.computeIfPresent(target, (k, m) -> m.active == 0 && m.sequence <= upTo ? null : m);
        }
    }
}
