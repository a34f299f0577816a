package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers recent invalidations long enough to tell whether a load that was in flight when they happened may store
 * its result (DESIGN invariant 5, "no stale write-back").
 *
 * <p>Every invalidation takes the next number of a global sequence and records it against what it invalidated (a
 * key, a dependency, or everything). Keys and dependencies share one record: invalidating a key also invalidates
 * the items that carry it as a dependency, and a dependency that happens to equal a key refusing that key's store is
 * only a conservative miss. A load token records the sequence number current when it began. Its result is
 * stale when a record newer than that touches its key or one of its dependencies.
 *
 * <p>Records are kept only while a load that began before them is still in flight: a token is registered before
 * it reads its start number, so pruning, which keeps every record at or above the oldest registered start (a
 * registered token whose start is not yet written counts as 0), can never drop a record a live token needs. If
 * tokens leak (never ended) and the records grow past a bound, every token begun so far is refused instead of
 * growing without limit: a refused store is only a miss later, a missed invalidation would be a stale read.
 *
 * <p>Thread-safe.
 */
public final class InvalidationLog {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidationLog.class);

    private static final int PRUNE_THRESHOLD = 1024;
    private static final int HARD_LIMIT = 100_000;

    /** A load in flight. */
    public static final class Token implements LoadToken {
        /** The sequence number current when the load began. */
        public long start() {
            return start;
        }

        final ItemKey key;
        volatile long start;
        volatile boolean ended;

        Token(ItemKey key) {
            this.key = key;
        }

        @Override
        public ItemKey key() {
            return key;
        }

        @Override
        public String toString() {
            return "LoadToken{" + key + ", start=" + start + '}';
        }
    }

    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Long> recent = new ConcurrentHashMap<>();
    private final Set<Token> active = ConcurrentHashMap.newKeySet();
    private volatile long lastClear;
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
        t.ended = true;
        active.remove(t);
    }

    /** The current sequence number, to compare with a token's start cheaply. */
    public long current() {
        return sequence.get();
    }

    /** Records an invalidation of a key: it also invalidates the items that carry the key as a dependency. */
    public void recordKey(String key) {
        record(key);
    }

    /** Records an invalidation of a dependency. */
    public void recordDependency(String dependency) {
        record(dependency);
    }

    private void record(String target) {
        long s = sequence.incrementAndGet();
        recent.merge(target, s, Math::max);
        maybePrune();
    }

    /** Records a clear: every load in flight is stale. */
    public void recordClear() {
        lastClear = sequence.incrementAndGet();
    }

    /** Whether an invalidation recorded after {@code t} began touches its key or one of the dependencies. */
    public boolean isStale(Token t, String canonicalKey, Collection<String> itemDependencies) {
        long start = t.start;
        if (start < refuseBefore || lastClear > start) {
            return true;
        }
        if (sequence.get() == start) {
            return false;
        }
        Long k = recent.get(canonicalKey);
        if (k != null && k > start) {
            return true;
        }
        for (String dependency : itemDependencies) {
            Long v = recent.get(dependency);
            if (v != null && v > start) {
                return true;
            }
        }
        return false;
    }

    private void maybePrune() {
        if (recent.size() < PRUNE_THRESHOLD) {
            return;
        }
        // Read the bound before looking at the tokens: a token registered after this reads a start at or above it,
        // so records at or below it cannot concern that token; records made after it are kept.
        long bound = sequence.get();
        long keep = bound;
        for (Token t : active) {
            keep = Math.min(keep, t.start);
        }
        final long upTo = keep;
        recent.values().removeIf(s -> s <= upTo);
        int left = recent.size();
        if (left > HARD_LIMIT) {
            LOG.warn("{} invalidations recorded while loads that began before them are still in flight ({} loads); "
                    + "refusing to store the results of every load begun so far", left, active.size());
            refuseBefore = bound + 1;
            recent.values().removeIf(s -> s <= bound);
        }
    }
}
