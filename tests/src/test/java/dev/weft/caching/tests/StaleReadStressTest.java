package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The randomized oracle for DESIGN invariants 4 to 6 together. Eight threads, for five seconds (override with
 * {@code -Dweft.stress.seconds}), mix reads of 64 keys (directly, through a nested cached call, and through an
 * asynchronous cached method completed on another thread) with updates that
 * bump a versioned source of truth and then invalidate, by key or by dependency. When an update's invalidation
 * returns, the version it wrote becomes the floor of its key: a read that starts after that must not return an
 * older version. Stale reads must be zero.
 */
class StaleReadStressTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private static final int KEYS = 64;

    static final class Store {
        final AtomicLongArray versions = new AtomicLongArray(KEYS);
        final ExecutorService completions = Executors.newFixedThreadPool(2);

        @Cached(dependsOn = "item:{id}")
        long read(int id) {
            long v = versions.get(id);
            // widen the window between reading the source and storing the value
            for (int i = 0; i < (id & 7); i++) {
                Thread.onSpinWait();
            }
            if ((id & 3) == 0) {
                Thread.yield();
            }
            return v;
        }

        /**
         * The same read, asynchronous: the source is read on another thread, after the body returned its future, so
         * callers that join the load in between share a value not read yet.
         */
        @Cached(dependsOn = "item:{id}")
        CompletableFuture<Long> readAsync(int id) {
            return CompletableFuture.supplyAsync(() -> versions.get(id), completions);
        }

        /** A nested cached call: the pair inherits both items' dependencies and keys. */
        @Cached
        long[] pair(int first) {
            return new long[] {read(first), read((first + 1) % KEYS)};
        }
    }

    @Test
    void aReadThatStartsAfterAnInvalidationNeverReturnsAnOlderVersion() throws Exception {
        Store store = new Store();
        AtomicLongArray floor = new AtomicLongArray(KEYS);
        long seconds = Long.getLong("weft.stress.seconds", 5);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int threads = 8;
        AtomicLong reads = new AtomicLong();
        AtomicLong nestedReads = new AtomicLong();
        AtomicLong asyncReads = new AtomicLong();
        AtomicLong updates = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        List<String> examples = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            long seed = 42 + t;
            Thread worker = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                    start.await();
                    while (System.nanoTime() < deadline) {
                        int id = random.nextInt(KEYS);
                        int op = random.nextInt(100);
                        if (op < 10) {
                            long v = store.versions.incrementAndGet(id);
                            if (op < 5) {
                                CachingServices.invalidate(() -> store.read(id));
                                CachingServices.invalidate(() -> store.readAsync(id));
                            } else {
                                CachingServices.invalidateDependency("item:" + id);
                            }
                            floor.accumulateAndGet(id, v, Math::max);
                            updates.incrementAndGet();
                        } else if (op < 30) {
                            int next = (id + 1) % KEYS;
                            long f1 = floor.get(id);
                            long f2 = floor.get(next);
                            long[] got = store.pair(id);
                            nestedReads.incrementAndGet();
                            if (got[0] < f1 || got[1] < f2) {
                                record(stale, examples, "pair(" + id + ") = " + got[0] + "," + got[1]
                                        + " after floors " + f1 + "," + f2);
                            }
                        } else if (op < 45) {
                            long f = floor.get(id);
                            long got = store.readAsync(id).join();
                            asyncReads.incrementAndGet();
                            if (got < f) {
                                record(stale, examples, "readAsync(" + id + ") = " + got + " after floor " + f);
                            }
                        } else {
                            long f = floor.get(id);
                            long got = store.read(id);
                            reads.incrementAndGet();
                            if (got < f) {
                                record(stale, examples, "read(" + id + ") = " + got + " after floor " + f);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "stress-" + t);
            worker.start();
        }
        start.countDown();
        try {
            assertThat(done.await(seconds + 60, TimeUnit.SECONDS)).isTrue();
        } finally {
            store.completions.shutdownNow();
        }
        long total = reads.get() + nestedReads.get() + asyncReads.get() + updates.get();
        System.out.printf("stale-read stress: %d threads, %d s, %,d operations (%,d reads, %,d nested reads, "
                        + "%,d asynchronous reads, %,d updates with invalidation), %d stale reads%n", threads, seconds,
                total, reads.get(), nestedReads.get(), asyncReads.get(), updates.get(), stale.get());
        assertThat(updates.get()).isPositive();
        assertThat(asyncReads.get()).isPositive();
        assertThat(stale.get()).as("stale reads, e.g. %s", examples).isZero();
    }

    private static void record(AtomicLong stale, List<String> examples, String what) {
        stale.incrementAndGet();
        synchronized (examples) {
            if (examples.size() < 10) {
                examples.add(what);
            }
        }
    }
}
