package dev.weft.caching.backend;

import java.time.Duration;
import java.util.Objects;

/**
 * When a stored item stops being served: its absolute and sliding expirations, how long past expiration it may still
 * be returned when a reload fails or is slow (fail-safe), and when it becomes due for an eager background refresh.
 * Immutable and thread-safe; a cached method shares one among all the items it stores, so backends may keep a
 * reference per entry instead of copying the numbers.
 *
 * <p>All durations are in nanoseconds; {@link #NONE} means "never" for the expirations and the refresh point, and
 * "not at all" for the fail-safe period.
 */
public final class Expiration {

    /** "Never" for an expiration or refresh point, "none" for a fail-safe period. */
    public static final long NONE = Long.MAX_VALUE;

    /** Never expires, no fail-safe period, no eager refresh. */
    public static final Expiration NEVER = new Expiration(NONE, NONE, NONE, NONE);

    private final long absoluteNanos;
    private final long slidingNanos;
    private final long failSafeNanos;
    private final long refreshAfterNanos;

    private Expiration(long absoluteNanos, long slidingNanos, long failSafeNanos, long refreshAfterNanos) {
        this.absoluteNanos = absoluteNanos;
        this.slidingNanos = slidingNanos;
        this.failSafeNanos = failSafeNanos;
        this.refreshAfterNanos = refreshAfterNanos;
    }

    /**
     * An expiration policy; {@code null} or {@link Duration#ZERO} means none for each argument.
     *
     * @param absolute     the item expires this long after it was stored
     * @param sliding      the item expires when it was not read for this long
     * @param failSafe     past its expiration the item is kept this long, to be returned by the load path only
     *                     when a reload fails or is slow ({@link CachingBackend#read})
     * @param refreshAfter this long after it was stored the item becomes due for an eager refresh (shorter than
     *                     {@code absolute})
     * @throws IllegalArgumentException if a duration is negative, or {@code refreshAfter} is not shorter than an
     *                                  absolute expiration
     */
    public static Expiration of(Duration absolute, Duration sliding, Duration failSafe, Duration refreshAfter) {
        Expiration e = new Expiration(nanos(absolute, "absolute expiration"), nanos(sliding, "sliding expiration"),
                nanos(failSafe, "fail-safe period"), nanos(refreshAfter, "refresh point"));
        if (e.refreshAfterNanos != NONE && e.absoluteNanos != NONE && e.refreshAfterNanos >= e.absoluteNanos) {
            throw new IllegalArgumentException("the refresh point (" + refreshAfter + ") must come before the "
                    + "absolute expiration (" + absolute + ")");
        }
        if (e.absoluteNanos == NONE && e.slidingNanos == NONE && e.failSafeNanos == NONE
                && e.refreshAfterNanos == NONE) {
            return NEVER;
        }
        return e;
    }

    /** Only expirations: no fail-safe period, no eager refresh. */
    public static Expiration of(Duration absolute, Duration sliding) {
        return of(absolute, sliding, null, null);
    }

    private static long nanos(Duration d, String what) {
        if (d == null || d.isZero()) {
            return NONE;
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("the " + what + " must not be negative, got " + d);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return NONE;
        }
    }

    /** Nanoseconds after the store at which the item expires, or {@link #NONE}. */
    public long absoluteNanos() {
        return absoluteNanos;
    }

    /** Nanoseconds without a read after which the item expires, or {@link #NONE}. */
    public long slidingNanos() {
        return slidingNanos;
    }

    /** Nanoseconds past expiration during which the load path may still return the item, or {@link #NONE}. */
    public long failSafeNanos() {
        return failSafeNanos;
    }

    /** Nanoseconds after the store at which the item is due for an eager refresh, or {@link #NONE}. */
    public long refreshAfterNanos() {
        return refreshAfterNanos;
    }

    /** Whether an item with this policy ever stops being served as fresh. */
    public boolean expires() {
        return absoluteNanos != NONE || slidingNanos != NONE || refreshAfterNanos != NONE;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Expiration)) {
            return false;
        }
        Expiration e = (Expiration) o;
        return e.absoluteNanos == absoluteNanos && e.slidingNanos == slidingNanos && e.failSafeNanos == failSafeNanos
                && e.refreshAfterNanos == refreshAfterNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(absoluteNanos, slidingNanos, failSafeNanos, refreshAfterNanos);
    }

    @Override
    public String toString() {
        return "Expiration{absolute=" + text(absoluteNanos) + ", sliding=" + text(slidingNanos) + ", failSafe="
                + text(failSafeNanos) + ", refreshAfter=" + text(refreshAfterNanos) + '}';
    }

    private static String text(long nanos) {
        return nanos == NONE ? "none" : Duration.ofNanos(nanos).toString();
    }
}
