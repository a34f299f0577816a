package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemRead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * An entry that expires, keeps a fail-safe period past its expiration, or becomes due for an eager refresh. Times
 * are in the backend's ticker nanoseconds, compared by subtraction so that the ticker may wrap.
 */
final class TimedEntry extends Entry {

    private static final VarHandle REFRESH_AT;

    static {
        try {
            REFRESH_AT = MethodHandles.lookup().findVarHandle(TimedEntry.class, "refreshAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Expiration expiration;
    private final long absoluteDeadline;
    /** The earlier of the absolute deadline and the sliding one, which reads move forward. */
    private volatile long expiresAt;
    /** When the entry is due for an eager refresh; {@link #NEVER} when it never is. Moved on by each claim. */
    private volatile long refreshAt;

    TimedEntry(Object value, Set<String> dependencies, Expiration e, long now) {
        super(value, dependencies);
        this.expiration = e;
        this.absoluteDeadline = e.absoluteNanos() == Expiration.NONE ? NEVER : add(now, e.absoluteNanos());
        long sliding = e.slidingNanos() == Expiration.NONE ? NEVER : add(now, e.slidingNanos());
        this.expiresAt = earlier(absoluteDeadline, sliding);
        this.refreshAt = e.refreshAfterNanos() == Expiration.NONE ? NEVER : add(now, e.refreshAfterNanos());
        this.hitDeadline = earlier(expiresAt, refreshAt);
    }

    @Override
    public Expiration expiration() {
        return expiration;
    }

    @Override
    public void touch(long now) {
        if (expiration.slidingNanos() != Expiration.NONE) {
            expiresAt = earlier(absoluteDeadline, add(now, expiration.slidingNanos()));
            hitDeadline = earlier(expiresAt, refreshAt);
        }
    }

    /**
     * How fresh the entry is at {@code now}, for the load path; {@code null} when it expired and its fail-safe period
     * is over too. At most one reader gets {@link ItemRead.State#REFRESH} per refresh point: the one that moves the
     * point halfway to the expiration, so that a refresh that fails is tried again, less and less often, until the
     * entry expires.
     */
    @Override
    ItemRead.State stateAt(long now) {
        long expires = expiresAt;
        if (!reached(now, expires)) {
            long refresh = refreshAt;
            if (reached(now, refresh)) {
                long next = expires == NEVER ? add(now, expiration.refreshAfterNanos())
                        : now + Math.max((expires - now) / 2, 1_000_000L);
                if (reached(next, expires)) {
                    next = NEVER;
                }
                if (REFRESH_AT.compareAndSet(this, refresh, next)) {
                    hitDeadline = earlier(expires, next);
                    return ItemRead.State.REFRESH;
                }
            }
            touch(now);
            return ItemRead.State.FRESH;
        }
        long failSafe = expiration.failSafeNanos();
        if (failSafe != Expiration.NONE && !reached(now, add(expires, failSafe))) {
            return ItemRead.State.STALE;
        }
        return null;
    }

    /** Whether the entry is past its fail-safe period (or expired, when it has none) at {@code now}. */
    @Override
    boolean isGoneAt(long now) {
        long failSafe = expiration.failSafeNanos();
        return reached(now, failSafe == Expiration.NONE ? expiresAt : add(expiresAt, failSafe));
    }

    /** Whether {@code deadline} (possibly {@link #NEVER}) has come at {@code now}. */
    static boolean reached(long now, long deadline) {
        return deadline != NEVER && now - deadline >= 0;
    }

    private static long earlier(long a, long b) {
        if (a == NEVER) {
            return b;
        }
        if (b == NEVER) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    static long add(long a, long b) {
        if (a == NEVER || b == Expiration.NONE) {
            return NEVER;
        }
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 || r == NEVER ? NEVER - 1 : r;
    }
}
