package dev.weft.caching.internal.method;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weft.caching.backend.ItemKey;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Logs the expired values one method serves: at most one line per method per minute, with how many were served
 * since the last line. Keys (which carry argument values) appear only at DEBUG.
 */
final class StaleLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching.stale");
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String display;
    private final LongSupplier nanoClock;
    private final AtomicLong nextLine;
    private final AtomicLongArray sinceLastLine = new AtomicLongArray(StaleReason.values().length);

    StaleLog(String display) {
        this(display, System::nanoTime);
    }

    /** With the clock that tells when the next line is due (tests advance it by hand). */
    StaleLog(String display, LongSupplier nanoClock) {
        this.display = display;
        this.nanoClock = nanoClock;
        this.nextLine = new AtomicLong(nanoClock.getAsLong());
    }

    void served(StaleReason reason, ItemKey key) {
        sinceLastLine.incrementAndGet(reason.ordinal());
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: served an expired value of {} ({})", display, key, reason);
        }
        long now = nanoClock.getAsLong();
        long next = nextLine.get();
        if (now - next >= 0 && nextLine.compareAndSet(next, now + INTERVAL_NANOS)) {
            long autoReload = sinceLastLine.getAndSet(StaleReason.AUTO_RELOAD.ordinal(), 0);
            long failSafe = sinceLastLine.getAndSet(StaleReason.FAIL_SAFE.ordinal(), 0);
            long softTimeout = sinceLastLine.getAndSet(StaleReason.SOFT_TIMEOUT.ordinal(), 0);
            LOG.warn("{}: served expired values: {} while auto-reloading, {} because the reload failed (fail-safe), "
                    + "{} because the reload was slower than the soft timeout (counted in CachingStatistics; next "
                    + "line in a minute at the earliest)", display, autoReload, failSafe, softTimeout);
        }
    }
}
