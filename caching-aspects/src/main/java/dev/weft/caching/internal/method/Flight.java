package dev.weft.caching.internal.method;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One load of one key in this instance, which concurrent callers of the same key wait for instead of running the
 * body again (single flight).
 *
 * <p>The owner publishes exactly one outcome; the fields are written before the latch opens and read after it, so
 * the latch orders them. A STALE outcome means the store was refused because an invalidation reached the backend
 * during the load: a waiter may have started after that invalidation finished, so it must not take this value and
 * loads again.
 */
final class Flight {

    enum Outcome { VALUE, FAILED, STALE, TIMEOUT }

    final Thread owner = Thread.currentThread();
    private final CountDownLatch done = new CountDownLatch(1);
    private Outcome outcome;
    private Object value;
    private Throwable failure;
    private Set<String> dependencies = Set.of();

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
    }

    /** Ends the flight without a value: waiters load again. */
    void abandon() {
        this.outcome = Outcome.STALE;
        done.countDown();
    }

    /**
     * Waits up to {@code nanos} for the outcome. An interrupted waiter stops waiting (and keeps its interrupt
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
