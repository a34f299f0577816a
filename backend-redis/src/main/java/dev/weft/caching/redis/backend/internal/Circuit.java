package dev.weft.caching.redis.backend.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether calls use Redis now. Closed: they do. Open: they go on without it at once (the local level and the method
 * body), so that an unreachable Redis costs each call nothing rather than a command timeout; a probe tries Redis
 * every retry interval, and closes the circuit when it answers and what this instance could not do meanwhile is done
 * (the probe says so). Opens on the first failed or timed-out command, and when the connection drops.
 */
public final class Circuit {

    private static final Logger LOG = LoggerFactory.getLogger(Circuit.class);

    private final String name;
    private final ScheduledExecutorService scheduler;
    private final long retryNanos;
    private final BooleanSupplier probe;
    private final L2Counters counters;
    private volatile boolean open;
    private volatile long openedAtMillis;
    private ScheduledFuture<?> probing;
    private volatile boolean closed;

    /**
     * @param probe tries Redis and does what is pending; true when the circuit may close. Runs on {@code scheduler}.
     */
    public Circuit(String name, ScheduledExecutorService scheduler, long retryNanos, BooleanSupplier probe,
                   L2Counters counters) {
        this.name = name;
        this.scheduler = scheduler;
        this.retryNanos = retryNanos;
        this.probe = probe;
        this.counters = counters;
    }

    /** Whether calls may use Redis now. One volatile read. */
    public boolean allows() {
        return !open;
    }

    /** Since when it is open (epoch millis), or 0. */
    public long openedAtMillis() {
        return open ? openedAtMillis : 0;
    }

    /** A command failed or timed out, or the connection dropped: open, and start probing. */
    public synchronized void trip(String reason) {
        if (closed || open) {
            return;
        }
        open = true;
        openedAtMillis = System.currentTimeMillis();
        counters.circuitOpenings.increment();
        LOG.warn("[{}] Redis unreachable ({}); going on without the Redis level (local cache and method bodies), "
                + "trying again every {} ms", name, reason, TimeUnit.NANOSECONDS.toMillis(retryNanos));
        schedule();
    }

    private void schedule() {
        if (!closed) {
            probing = scheduler.schedule(this::tryAgain, retryNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void tryAgain() {
        boolean ok;
        try {
            ok = probe.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.debug("[{}] probe failed", name, e);
            ok = false;
        }
        synchronized (this) {
            if (ok) {
                open = false;
                LOG.info("[{}] Redis answers again; using the Redis level again (out for {} ms)", name,
                        System.currentTimeMillis() - openedAtMillis);
            } else {
                schedule();
            }
        }
    }

    /** Stops probing. */
    public synchronized void close() {
        closed = true;
        if (probing != null) {
            probing.cancel(false);
        }
    }
}
