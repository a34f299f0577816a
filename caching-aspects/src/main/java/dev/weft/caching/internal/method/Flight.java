package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One load of one key in this instance, which concurrent callers of the same key join instead of running the body
 * again (single flight). Registered in {@link SingleFlight} from before the body runs until just before its result is
 * stored.
 *
 * <p>A flight has a deadline: its start plus the profile's load wait timeout. A caller that finds it past the deadline
 * takes it over ({@link SingleFlight#claim}): the old owner's token is abandoned, so its late result is never stored,
 * and its waiters look again. One policy for synchronous and asynchronous methods.
 *
 * <p>Synchronous joiners wait for the {@link Outcome}. Asynchronous ones share {@link #shared}, the future that
 * completes with the owner's, each through its own dependent; see {@code CachedMethod.joinAsync} for when they may.
 *
 * <p>A flight is the future of its own outcome (it extends {@code CompletableFuture}, used only through
 * {@link #finish} and {@link #await}) rather than holding one: every miss makes a flight, almost none is ever
 * waited for, and the 24-byte future it held was an allocation of its own (the flight grows by 8 B: 16 B and one
 * allocation fewer per miss, of about 700 B per miss in issue 19's {@code MissBenchmark} then).
 */
final class Flight extends CompletableFuture<Outcome> {

    final ItemKey key;
    final long startNanos = System.nanoTime();
    private final long timeoutNanos;
    /** The start plus the load wait timeout; moved once by {@link #restartClock()}. */
    private volatile long deadlineNanos;
    /** The thread running the body: a call of the same key on it while the body runs is recursion. */
    volatile Thread owner = Thread.currentThread();
    /**
     * True while the owner runs the body. Plain, not volatile: only the owner thread reads it meaningfully (the
     * recursion test also requires {@code owner == currentThread()}), and it sees its own writes. Two volatile
     * writes fewer per miss (each a full fence on x86).
     */
    boolean bodyRunning;
    /**
     * For asynchronous methods, completes with the stored form of the owner's result, or, if the flight is taken over,
     * of the result of the flight that took it over ({@link SingleFlight}); else {@code null}.
     */
    final CompletableFuture<Object> shared;
    /** For asynchronous methods, starts a lazy result (a Mono) when its first caller subscribes. */
    final Upstream upstream;
    /**
     * The load's backend and token, set by the owner before its body runs. The backend is written before the token
     * and read after it: the token's volatile write publishes both (one fence fewer per miss).
     */
    CachingBackend backend;
    volatile LoadToken token;
    /** Set when another caller took this flight over: its result must not be stored. */
    volatile boolean superseded;

    Flight(ItemKey key, long timeoutNanos, boolean async) {
        this.key = key;
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = deadlineFrom(startNanos);
        this.shared = async ? new CompletableFuture<>() : null;
        this.upstream = async ? new Upstream() : null;
    }

    private long deadlineFrom(long start) {
        long deadline = start + timeoutNanos;
        return timeoutNanos == Long.MAX_VALUE || deadline - start < 0 ? Long.MAX_VALUE : deadline;
    }

    /**
     * Gives the owner a full load wait timeout from now: it waited for another instance's load of the key
     * ({@code CachingBackend.awaitPeerLoad}) and only now starts its body. Without this, its joiners would take the
     * flight over just as the body starts. Joiners already waiting wake at the old deadline, find the flight not
     * expired, and wait again.
     */
    void restartClock() {
        deadlineNanos = deadlineFrom(System.nanoTime());
    }

    /** Whether the flight outlived its deadline at {@code now}. */
    boolean expiredAt(long now) {
        long deadline = deadlineNanos;
        return deadline != Long.MAX_VALUE && now - deadline >= 0;
    }

    /** Publishes the outcome; the first one wins. */
    void finish(Outcome o) {
        complete(o);
    }

    /** Whether the outcome is published. */
    boolean hasOutcome() {
        return isDone();
    }

    /**
     * Waits for the outcome until {@code untilNanos} (a {@code System.nanoTime()} value) or the flight's deadline,
     * whichever comes first. An interrupted caller stops waiting and keeps its interrupt status.
     */
    Outcome await(long untilNanos) {
        long deadline = deadlineNanos;
        long until = deadline == Long.MAX_VALUE ? untilNanos
                : untilNanos == Long.MAX_VALUE ? deadline
                : (untilNanos - deadline <= 0 ? untilNanos : deadline);
        try {
            if (until == Long.MAX_VALUE) {
                return get();
            }
            long left = until - System.nanoTime();
            return left <= 0 ? getNow(Outcome.TIMED_OUT) : get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Outcome.TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.INTERRUPTED;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public String toString() {
        return "Flight{" + key + ", owner=" + owner.getName() + '}';
    }
}
