package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.LoadToken;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One load of one key in this instance, which concurrent callers of the same key join instead of running the body
 * again (single flight).
 *
 * <p>Synchronous methods: joiners wait for the outcome. The owner publishes exactly one; the fields are written
 * before the latch opens and read after it, so the latch orders them. A STALE outcome means the store was refused
 * because an invalidation reached the backend during the load: a joiner may have started after that invalidation
 * finished, so it must not take this value and loads again.
 *
 * <p>Asynchronous methods: {@link #shared} completes when the owner's future does, and each joiner gets its own
 * dependent of it, unless an invalidation has overlapped the load ({@link CachingBackend#isStale}): the joiner may
 * have started after it finished, so it loads again instead of sharing a value computed from what was invalidated.
 * While no invalidation at all has reached the backend since the load began, a joiner shares at once. Otherwise it
 * waits, like a synchronous one, until the owner's body has returned its future ({@link #bodyReturned}), which
 * makes the load's dependencies known, and asks about them.
 */
final class Flight {

    enum Outcome { VALUE, FAILED, STALE, TIMEOUT }

    final Thread owner = Thread.currentThread();
    final long startNanos = System.nanoTime();
    /** True while the owner runs the body: a call of the same key on the owner's thread then is recursion. */
    volatile boolean bodyRunning = true;
    final CompletableFuture<Object> shared;
    /**
     * The load's backend and token, set by the owner before its body runs; {@code null} before that, and when the
     * backend refused to begin the load, which then ends STALE.
     */
    volatile CachingBackend backend;
    volatile LoadToken token;
    private final CountDownLatch done = new CountDownLatch(1);
    private Outcome outcome;
    private Object value;
    private Throwable failure;
    private Set<String> dependencies = Set.of();

    Flight(boolean async) {
        this.shared = async ? new CompletableFuture<>() : null;
    }

    /** Publishes a synchronous outcome: {@code value} is the stored form. */
    void complete(boolean stored, Object value, Set<String> dependencies) {
        this.value = value;
        this.dependencies = dependencies;
        this.outcome = stored ? Outcome.VALUE : Outcome.STALE;
        done.countDown();
    }

    /**
     * Asynchronous flights: the owner's body returned its future, whose dependencies are now known. Joiners stop
     * waiting; each then checks the load is not stale and shares {@link #shared}.
     */
    void bodyReturned(Set<String> dependencies) {
        this.dependencies = dependencies;
        this.outcome = Outcome.VALUE;
        done.countDown();
    }

    void fail(Throwable t) {
        this.failure = t;
        this.outcome = Outcome.FAILED;
        done.countDown();
        if (shared != null) {
            shared.completeExceptionally(t);
        }
    }

    /** Ends the flight without a value: joiners load again. */
    void abandon() {
        this.outcome = Outcome.STALE;
        done.countDown();
    }

    /**
     * Waits up to {@code nanos} for the outcome. An interrupted joiner stops waiting (and keeps its interrupt
     * status): it is answered TIMEOUT and runs the method itself.
     */
    Outcome await(long nanos) {
        try {
            if (!done.await(nanos, TimeUnit.NANOSECONDS)) {
                return Outcome.TIMEOUT;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.TIMEOUT;
        }
        return outcome;
    }

    /** Whether the outcome is published: the body returned (or threw), or the flight was abandoned. */
    boolean hasOutcome() {
        return done.getCount() == 0;
    }

    Object value() {
        return value;
    }

    Throwable failure() {
        return failure;
    }

    Set<String> dependencies() {
        return dependencies;
    }
}
