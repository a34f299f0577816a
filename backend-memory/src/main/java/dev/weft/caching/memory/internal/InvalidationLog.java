package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tells whether a load may store its result (no stale write-back).
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
 * <p>Tokens are not registered anywhere: a token is its start number, nothing holds it, and a load that never ends
 * (a body that throws an {@code Error}, a future that never completes) holds nothing back. Marks are forgotten by age
 * instead: once more than {@value #PRUNE_THRESHOLD} are kept (then twice as many as the last prune left), those that ended more than {@link #RETENTION_NANOS}
 * ago go, and {@code refuseBefore} rises past the newest of them, so that a load that began before a forgotten mark
 * (one that has run for over a minute) is refused. A refused store is only a miss later; a forgotten conflict would
 * be a stale read. If marks grow past {@value #HARD_LIMIT} within the retention time, every inactive mark goes and
 * every load begun so far is refused. Thread-safe.
 */
public final class InvalidationLog {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidationLog.class);

    static final int PRUNE_THRESHOLD = 1024;
    static final int HARD_LIMIT = 100_000;
    static final long RETENTION_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * A load in flight: its key and the sequence number current when it began. Ended (by a store or an abandon) it
     * can store nothing more; nothing else refers to it.
     */
    public static final class Token implements LoadToken {
        final ItemKey key;
        final long start;
        private volatile boolean ended;

        Token(ItemKey key, long start) {
            this.key = key;
            this.start = start;
        }

        @Override
        public ItemKey key() {
            return key;
        }

        /** The sequence number current when the load began. */
        public long start() {
            return start;
        }

        /** Whether the load ended: it was stored, or abandoned (possibly by a caller that took it over). */
        public boolean isEnded() {
            return ended;
        }

        /** Ends the load. */
        public void end() {
            ended = true;
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
        volatile long endedNanos;
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
    private final LongSupplier clock;
    private volatile long lastClear;
    private volatile int activeClears;
    private volatile long refuseBefore;
    /** The size at which the next prune runs: doubles while marks are young, so pruning stays amortized O(1). */
    private volatile int pruneAt = PRUNE_THRESHOLD;

    /** A log on {@code System.nanoTime()}. */
    public InvalidationLog() {
        this(System::nanoTime);
    }

    /** A log whose marks age on {@code clock} (nanoseconds), the backend's ticker. */
    public InvalidationLog(LongSupplier clock) {
        this.clock = clock;
    }

    /** Starts a load of {@code key}. Nothing needs to end it. */
    public Token begin(ItemKey key) {
        return new Token(key, sequence.get());
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
        if (invalidation == CLEAR) {
            // the number is taken under the lock, as beginClear takes its own, so that lastClear never moves back: an
            // end that took its number earlier but wrote it after a later clear's begin and end would hide that clear
            // from a load begun in between
            synchronized (this) {
                lastClear = sequence.incrementAndGet();
                activeClears--;
            }
        } else {
            long s = sequence.incrementAndGet();
            long now = clock.getAsLong();
            marks.compute(invalidation.target, (k, m) -> {
                // m cannot be null: an active mark is never pruned
                m.active--;
                m.sequence = Math.max(m.sequence, s);
                m.endedNanos = now;
                return m;
            });
        }
        activeInvalidations.decrementAndGet();
        if (marks.size() > pruneAt) {
            prune();
        }
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

    /** Whether a clear is in progress, or one began or ended after the load of {@code t} began. */
    public boolean clearedSince(Token t) {
        return t.start < refuseBefore || activeClears > 0 || lastClear > t.start;
    }

    /**
     * Whether nothing at all was invalidated since the load of {@code t} began and nothing is being invalidated: then
     * {@link #isStale} answers {@code false} whatever the key and dependencies, and a store need not write the key's
     * text to ask.
     */
    public boolean isQuietSince(Token t) {
        long start = t.start;
        // the same reads, in the same order, as isStale's fast path: an invalidation counts itself active before
        // it takes its sequence number
        return start >= refuseBefore && sequence.get() == start && activeInvalidations.get() == 0;
    }

    private static boolean conflicts(Mark m, long start) {
        return m != null && (m.active > 0 || m.sequence > start);
    }

    /** Number of invalidation marks kept. */
    public int size() {
        return marks.size();
    }

    /**
     * Raises {@code refuseBefore} past the newest mark that ended before the retention horizon, then forgets every
     * inactive mark at or below it. The bound is published before any mark goes: a load that began below it is
     * refused from then on, and a load that began at or above it cannot need a mark below it.
     */
    private synchronized void prune() {
        if (marks.size() <= pruneAt) {
            return;
        }
        long horizon = clock.getAsLong() - RETENTION_NANOS;
        long bound = 0;
        for (Mark m : marks.values()) {
            if (m.active == 0 && m.endedNanos - horizon < 0) {
                bound = Math.max(bound, m.sequence);
            }
        }
        if (marks.size() > HARD_LIMIT) {
            LOG.warn("{} invalidation marks within {} s; forgetting them all and refusing the results of every load "
                    + "begun so far", marks.size(), TimeUnit.NANOSECONDS.toSeconds(RETENTION_NANOS));
            bound = sequence.get();
        }
        if (bound > refuseBefore) {
            refuseBefore = bound;
            long upTo = bound;
            for (String target : marks.keySet()) {
                marks.computeIfPresent(target, (k, m) -> m.active == 0 && m.sequence <= upTo ? null : m);
            }
        }
        pruneAt = Math.max(PRUNE_THRESHOLD, Math.min(HARD_LIMIT, 2 * marks.size()));
    }
}
