package dev.weft.benchmarks.invalidation;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How every latency variant learns that instance B has applied the invalidation an operation waits for: the
 * operation arms it with the key before it starts (outside the measured time), B's side calls {@link #arrived} for
 * every key it removes, on whatever thread it removes it, and the benchmark thread waits in {@link #await()}.
 *
 * <p>One {@link CountDownLatch} per operation: {@code countDown} on B's thread, {@code await} (a park, unless the
 * arrival came first) on the benchmark thread. All variants use this same hand-off, so its cost, a few microseconds
 * of wake-up at most, is the same in every ratio.
 */
final class Arrival {

    /** Bounds a wait; a lost message fails the trial instead of hanging it. */
    private static final long TIMEOUT_SECONDS = 10;

    private static final class Awaited {
        final String key;
        final CountDownLatch latch = new CountDownLatch(1);

        Awaited(String key) {
            this.key = key;
        }
    }

    private volatile Awaited awaited;

    /** Starts waiting for {@code key}: called before the operation, outside the measured time. */
    void expect(String key) {
        awaited = new Awaited(key);
    }

    /** B removed {@code key}: releases the waiting operation if it waits for this key. */
    void arrived(String key) {
        Awaited a = awaited;
        if (a != null && a.key.equals(key)) {
            a.latch.countDown();
        }
    }

    /** Waits until the expected key arrived. */
    void await() throws InterruptedException {
        Awaited a = awaited;
        if (!a.latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the invalidation of " + a.key + " did not reach instance B within "
                    + TIMEOUT_SECONDS + " s");
        }
    }
}
