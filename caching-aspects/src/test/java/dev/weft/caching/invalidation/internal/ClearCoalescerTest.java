package dev.weft.caching.invalidation.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clears from outside cost at most one clear per interval: the first clears at once, those within the interval after
 * a clear are merged into one clear at the interval's end (never later), and the counters say which was which.
 */
class ClearCoalescerTest {

    private static final long INTERVAL_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final AtomicInteger cleared = new AtomicInteger();
    private final SenderThread timers = new SenderThread();
    private final LongAdder clears = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final ClearCoalescer coalescer = new ClearCoalescer(cleared::incrementAndGet, timers,
            TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS), clears, coalesced);

    @Test
    void theFirstRequestClearsAtOnce() {
        coalescer.request();
        assertThat(cleared).hasValue(1);
        assertThat(clears.sum()).isEqualTo(1);
        assertThat(coalesced.sum()).isZero();
        assertThat(timers.queued()).isZero();
    }

    @Test
    void requestsWithinTheIntervalBecomeOneClearAtItsEnd() {
        coalescer.request();
        coalescer.request();
        coalescer.request();
        coalescer.request();
        assertThat(cleared).as("not yet").hasValue(1);
        assertThat(timers.queued()).as("one clear scheduled").isEqualTo(1);
        assertThat(timers.delaysMillis()).singleElement().satisfies(delay ->
                assertThat(delay).as("at the interval's end, not later").isPositive()
                        .isLessThanOrEqualTo(INTERVAL_MILLIS));
        assertThat(coalesced.sum()).isEqualTo(3);
        timers.runQueued();
        assertThat(cleared).hasValue(2);
        assertThat(clears.sum()).isEqualTo(2);
    }

    /** The scheduled clear starts a new interval: a request right after it is merged again, not cleared at once. */
    @Test
    void aScheduledClearStartsANewInterval() {
        coalescer.request();
        coalescer.request();
        timers.runQueued();
        coalescer.request();
        assertThat(cleared).hasValue(2);
        assertThat(timers.queued()).isEqualTo(1);
        assertThat(coalesced.sum()).isEqualTo(2);
    }

    /** Timers that stopped (the invalidator is closing) drop the merged clear; a later request may schedule again. */
    @Test
    void stoppedTimersDropTheMergedClear() {
        coalescer.request();
        timers.reject();
        coalescer.request();
        coalescer.request();
        assertThat(cleared).hasValue(1);
        assertThat(coalesced.sum()).as("each request found no clear scheduled").isEqualTo(2);
    }
}
