package dev.weft.caching.invalidation;

import org.slf4j.Logger;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * WARN and ERROR lines for problems that can repeat (a flood of malformed messages, a publish retried every
 * second during an outage, a throttling broker): one line per kind of problem per interval, and that line says how
 * many more of the kind there were since the previous one. The lines held back go to DEBUG, so nothing is hidden
 * from whoever turns DEBUG on; the invalidator's counters count every occurrence anyway.
 *
 * <p>For {@link InvalidationTransport} implementations: the invalidator logs its own problems through one, and a
 * transport that reports its client library's errors (which tend to repeat every retry) should too.
 *
 * <p>Thread-safe.
 */
public final class ProblemLog {

    /** The default interval: one line per kind of problem per half minute. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final class Kind {
        long lastLoggedNanos;
        boolean logged;
        long heldBack;
    }

    private final Logger logger;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public ProblemLog(Logger logger, long intervalNanos) {
        this(logger, intervalNanos, System::nanoTime);
    }

    /** As above, with the clock given (tests). */
    ProblemLog(Logger logger, long intervalNanos, LongSupplier nanoClock) {
        this.logger = logger;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    public ProblemLog(Logger logger) {
        this(logger, DEFAULT_INTERVAL_NANOS);
    }

    /** A WARN line of this kind, unless one went out less than an interval ago (then DEBUG). */
    public void warn(String kind, String format, Object... args) {
        log(false, kind, format, args);
    }

    /** An ERROR line of this kind, unless one went out less than an interval ago (then DEBUG). */
    public void error(String kind, String format, Object... args) {
        log(true, kind, format, args);
    }

    private void log(boolean error, String kind, String format, Object[] args) {
        long heldBack;
        Kind k = kinds.computeIfAbsent(kind, any -> new Kind());
        long now = nanoClock.getAsLong();
        synchronized (k) {
            if (k.logged && now - k.lastLoggedNanos < intervalNanos) {
                k.heldBack++;
                heldBack = -1;
            } else {
                heldBack = k.heldBack;
                k.heldBack = 0;
                k.logged = true;
                k.lastLoggedNanos = now;
            }
        }
        if (heldBack < 0) {
            if (logger.isDebugEnabled()) {
                logger.debug(format, args);
            }
            return;
        }
        if (heldBack > 0) {
            // the count goes before a trailing throwable, which SLF4J prints as the stack trace
            boolean throwable = args.length > 0 && args[args.length - 1] instanceof Throwable;
            Object[] withCount = Arrays.copyOf(args, args.length + 1);
            if (throwable) {
                withCount[args.length] = args[args.length - 1];
                withCount[args.length - 1] = heldBack;
            } else {
                withCount[args.length] = heldBack;
            }
            format = format + " [{} more like this since the last such line]";
            args = withCount;
        }
        if (error) {
            logger.error(format, args);
        } else {
            logger.warn(format, args);
        }
    }
}
