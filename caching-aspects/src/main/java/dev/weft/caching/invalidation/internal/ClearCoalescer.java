package dev.weft.caching.invalidation.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clears the local cache for what comes from outside (a peer's "clear everything", a loss, a message of an unknown
 * version), at most once per interval: the first request clears at once; requests within the interval after a clear
 * are merged into one clear at the interval's end. A stranger, a buggy peer or a flood of garbage can thus cost at
 * most one clear per interval, and no request waits longer than the interval, which bounds what it adds to
 * staleness.
 *
 * <p>Why merging is safe: a clear made later than requested removes everything the requested one would have (and
 * more), and it refuses the write-back of every load it overlaps, so no value loaded before the request survives it.
 *
 * <p>Thread-safe.
 */
public final class ClearCoalescer {

    private final Runnable clear;
    private final ScheduledExecutorService timers;
    private final long intervalNanos;
    private final LongAdder clears;
    private final LongAdder coalesced;

    private long lastClearNanos;
    private boolean cleared;
    private boolean scheduled;

    public ClearCoalescer(Runnable clear, ScheduledExecutorService timers, long intervalNanos, LongAdder clears,
                          LongAdder coalesced) {
        this.clear = clear;
        this.timers = timers;
        this.intervalNanos = intervalNanos;
        this.clears = clears;
        this.coalesced = coalesced;
    }

    /** Clears now, or once at the end of the current interval. */
    public void request() {
        long now = System.nanoTime();
        long delay;
        synchronized (this) {
            if (scheduled) {
                coalesced.increment();
                return;
            }
            if (!cleared || now - lastClearNanos >= intervalNanos) {
                cleared = true;
                lastClearNanos = now;
                delay = -1;
            } else {
                scheduled = true;
                delay = lastClearNanos + intervalNanos - now;
                coalesced.increment();
            }
        }
        if (delay < 0) {
            clears.increment();
            clear.run();
            return;
        }
        try {
            timers.schedule(this::scheduledClear, delay, TimeUnit.NANOSECONDS);
        } catch (RuntimeException rejected) {
            // the timers stopped: the invalidator is closing, and nothing it serves matters any more
            synchronized (this) {
                scheduled = false;
            }
        }
    }

    private void scheduledClear() {
        synchronized (this) {
            scheduled = false;
            lastClearNanos = System.nanoTime();
        }
        clears.increment();
        clear.run();
    }
}
