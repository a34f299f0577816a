package dev.weft.caching.internal.method;

import dev.weft.caching.CachingStatistics;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one cached method. Thread-safe; increments are cheap and uncontended per thread. */
public final class MethodStatistics {

    /**
     * Counted on every hit, so kept off the cache lines of the counters a miss writes: the adders are allocated one
     * after another, 32 bytes each, and {@code hits}' base shared its 64-byte line with {@code misses} and
     * {@code loads} (measured with JOL's addresses), so a thread that missed took that line from every thread that
     * hit, once per call (issue 19's {@code HitBesideMissBenchmark}). Allocated first, right after this object,
     * whose fields never change, and padded behind.
     */
    final LongAdder hits = new PaddedLongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder loadNanos = new LongAdder();
    final LongAdder waits = new LongAdder();
    final LongAdder waitTimeouts = new LongAdder();
    final LongAdder staleWriteBacksPrevented = new LongAdder();
    final LongAdder uncached = new LongAdder();
    final LongAdder staleServed = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder failSafeActivations = new LongAdder();
    final LongAdder softTimeouts = new LongAdder();
    final LongAdder backgroundLoads = new LongAdder();

    /** Counts an invalidation of one of this method's keys issued in this instance. */
    public void invalidated() {
        invalidations.increment();
    }

    /** A {@link LongAdder} followed by a cache line of padding, so that nothing allocated after it shares its base. */
    @SuppressWarnings("unused")
    private static final class PaddedLongAdder extends LongAdder {
        private long p1;
        private long p2;
        private long p3;
        private long p4;
        private long p5;
        private long p6;
        private long p7;
    }

    /** A snapshot of these counters. */
    public CachingStatistics.Counters snapshot() {
        return new CachingStatistics.Counters(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
                loadNanos.sum(), waits.sum(), waitTimeouts.sum(), staleWriteBacksPrevented.sum(), uncached.sum(),
                staleServed.sum(), invalidations.sum(), failSafeActivations.sum(), softTimeouts.sum(),
                backgroundLoads.sum());
    }
}
