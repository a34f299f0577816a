package dev.weft.caching.internal.method;

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
 * <p>Asynchronous methods: {@link #shared} exists from the start, so joiners never block: each gets its own
 * dependent of it, completed when the owner's future completes.
 */
final class Flight {

    enum Outcome { VALUE, FAILED, STALE, TIMEOUT }

    final Thread owner = Thread.currentThread();
    final long startNanos = System.nanoTime();
    /** True while the owner runs the body: a call of the same key on the owner's thread then is recursion. */
    volatile boolean bodyRunning = true;
    final CompletableFuture<Object> shared;
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
