package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The randomized history checker for DESIGN invariants 4 to 6 and 9 together. Eight threads, for five seconds (override
 * with {@code -Dweft.stress.seconds}), mix reads of 64 keys through methods with fail-safe, a soft timeout, eager
 * refresh and auto-reload (directly, through a nested cached call, and through an asynchronous method completed on
 * another thread) with updates that bump a versioned source and then invalidate (by key or by dependency), silent
 * source changes that invalidate nothing, a flaky and sometimes slow source, and a clock that moves.
 *
 * <p>Every value is the version its load read, and remembers when (on the cache's clock) it was stored. The oracle:
 * <ol>
 *   <li>a read that started after an update's invalidation returned never gets a version older than that update's
 *       (the write's floor), whatever stale-while-revalidate feature answered it;</li>
 *   <li>no read gets a value stored longer ago than its expiration plus its fail-safe period (for a nested read, the
 *       inner expiration plus the outer one: the outer result is not stored when built on an expired value).</li>
 * </ol>
 * Both must hold for every read: violations must be zero. The counters prove the features were exercised.
 */
class StaleReadStressTest {

    private static final int KEYS = 64;
    private static final Duration EXPIRATION = Duration.ofSeconds(10);
    private static final Duration FAIL_SAFE = Duration.ofSeconds(20);

    /** A loaded value: the version its load read; {@code storedAt} is set once the backend stored it. */
    static final class V {
        final long version;
        volatile long storedAt = Long.MIN_VALUE;

        V(long version) {
            this.version = version;
        }
    }

    static final class Source {
        final AtomicLongArray versions = new AtomicLongArray(KEYS);
        final ExecutorService completions = Executors.newFixedThreadPool(2);
        volatile int failPercent = 10;

        V read(int id, SplittableRandom random) {
            long v = versions.get(id);
            // widen the window between reading the source and storing the value
            for (int i = 0; i < (id & 7); i++) {
                Thread.onSpinWait();
            }
            if ((id & 3) == 0) {
                Thread.yield();
            }
            if (random != null) {
                int r = random.nextInt(100);
                if (r < failPercent) {
                    throw new IllegalStateException("source down");
                }
                if (r < failPercent + 3) {
                    LockSupport.parkNanos(3_000_000); // slower than the soft timeout
                }
            }
            return new V(v);
        }
    }

    static final class Store {
        final Source source = new Source();
        final ThreadLocal<SplittableRandom> flakiness = ThreadLocal.withInitial(SplittableRandom::new);

        @Cached(absoluteExpiration = "10s", dependsOn = "item:{id}")
        V plain(int id) {
            return source.read(id, null);
        }

        @Cached(absoluteExpiration = "10s", failSafe = "20s", dependsOn = "item:{id}")
        V failSafe(int id) {
            return source.read(id, flakiness.get());
        }

        @Cached(absoluteExpiration = "10s", failSafe = "20s", softTimeout = "1ms", dependsOn = "item:{id}")
        V soft(int id) {
            return source.read(id, flakiness.get());
        }

        @Cached(absoluteExpiration = "10s", eagerRefresh = "50%", dependsOn = "item:{id}")
        V eager(int id) {
            return source.read(id, null);
        }

        @Cached(absoluteExpiration = "10s", autoReload = true, dependsOn = "item:{id}")
        V auto(int id) {
            return source.read(id, flakiness.get());
        }

        /**
         * The same read, asynchronous: the source is read on another thread, after the body returned its future, so
         * callers that join the load in between share a value not read yet.
         */
        @Cached(absoluteExpiration = "10s", failSafe = "20s", dependsOn = "item:{id}")
        CompletableFuture<V> async(int id) {
            return CompletableFuture.supplyAsync(() -> source.read(id, null), source.completions);
        }

        /** A nested cached call: the pair inherits both items' dependencies and keys. */
        @Cached(absoluteExpiration = "10s")
        V[] pair(int first) {
            return new V[] {failSafe(first), auto((first + 1) % KEYS)};
        }
    }

    /** The memory backend, remembering in each value the cache-clock time at which it was stored. */
    static final class StoreTimes implements CachingBackend {
        final MemoryCachingBackend memory;
        final FakeTicker ticker;

        StoreTimes(MemoryCachingBackend memory, FakeTicker ticker) {
            this.memory = memory;
            this.ticker = ticker;
        }

        @Override
        public CacheItem get(ItemKey key) {
            return memory.get(key);
        }

        @Override
        public ItemRead read(ItemKey key) {
            return memory.read(key);
        }

        @Override
        public LoadToken beginLoad(ItemKey key) {
            return memory.beginLoad(key);
        }

        @Override
        public boolean set(LoadToken load, CacheItem item) {
            boolean stored = memory.set(load, item);
            // read the clock after the backend did: the entry's times start at or before this
            long now = ticker.read();
            if (stored) {
                mark(item.value(), now);
            }
            return stored;
        }

        private static void mark(Object value, long now) {
            if (value instanceof V) {
                V v = (V) value;
                if (v.storedAt == Long.MIN_VALUE) {
                    v.storedAt = now;
                }
            }
        }

        @Override
        public void abandon(LoadToken load) {
            memory.abandon(load);
        }

        @Override
        public boolean isStale(LoadToken load, Set<String> dependencies) {
            return memory.isStale(load, dependencies);
        }

        @Override
        public void invalidate(String key) {
            memory.invalidate(key);
        }

        @Override
        public void invalidateDependency(String dependency) {
            memory.invalidateDependency(dependency);
        }

        @Override
        public void clear() {
            memory.clear();
        }

        @Override
        public void close() {
            memory.close();
        }
    }

    /** What the oracle found. */
    static final class Verdict {
        final AtomicLong reads = new AtomicLong();
        final AtomicLong updates = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong belowFloor = new AtomicLong();
        final AtomicLong tooOld = new AtomicLong();
        final List<String> examples = new ArrayList<>();

        void violation(AtomicLong kind, String what) {
            kind.incrementAndGet();
            synchronized (examples) {
                if (examples.size() < 10) {
                    examples.add(what);
                }
            }
        }
    }

    @Test
    void noReadReturnsAnInvalidatedValueOrOneOlderThanItsFailSafePeriod() throws Exception {
        FakeTicker ticker = new FakeTicker();
        MemoryCachingBackend memory = MemoryCachingBackend.builder().ticker(ticker).executor(Runnable::run).build();
        StoreTimes backend = new StoreTimes(memory, ticker);
        ExecutorService reloads = Executors.newFixedThreadPool(4);
        CachingServices.setDefaultBackend(backend);
        CachingServices.setReloadExecutor(reloads);
        CachingServices.setEnabled(true);
        Store store = new Store();
        AtomicLongArray floor = new AtomicLongArray(KEYS);
        Verdict verdict = new Verdict();
        long seconds = Long.getLong("weft.stress.seconds", 5);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long expiration = EXPIRATION.toNanos();
        long withFailSafe = expiration + FAIL_SAFE.toNanos();
        int threads = 8;
        CachingStatistics.Counters before = CachingServices.statistics().total();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            long seed = 42 + t;
            Thread worker = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                store.flakiness.set(random.split());
                try {
                    start.await();
                    while (System.nanoTime() < deadline) {
                        int id = random.nextInt(KEYS);
                        int op = random.nextInt(100);
                        if (op < 2) {
                            ticker.advance(Duration.ofMillis(500));
                        } else if (op < 4) {
                            // a change the cache does not hear about: only time bounds what is served
                            store.source.versions.incrementAndGet(id);
                        } else if (op < 12) {
                            long v = store.source.versions.incrementAndGet(id);
                            if (op < 8) {
                                CachingServices.invalidate(() -> store.failSafe(id));
                                CachingServices.invalidate(() -> store.soft(id));
                                CachingServices.invalidate(() -> store.plain(id));
                                CachingServices.invalidate(() -> store.eager(id));
                                CachingServices.invalidate(() -> store.auto(id));
                                CachingServices.invalidate(() -> store.async(id));
                            } else {
                                CachingServices.invalidateDependency("item:" + id);
                            }
                            floor.accumulateAndGet(id, v, Math::max);
                            verdict.updates.incrementAndGet();
                        } else {
                            read(store, id, op, floor, ticker, verdict, expiration, withFailSafe);
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
            store.source.completions.shutdownNow();
            reloads.shutdownNow();
            CachingServices.setReloadExecutor(Runnable::run);
            backend.close();
        }
        CachingStatistics.Counters after = CachingServices.statistics().total();
        System.out.printf("stale-read stress: %d threads, %d s, %,d reads, %,d updates, %,d failed reads; stale "
                        + "values served %,d (fail-safe %,d, soft timeouts %,d), background loads %,d; %d reads "
                        + "below the floor, %d too old%n", threads, seconds, verdict.reads.get(),
                verdict.updates.get(), verdict.failures.get(), after.staleServed() - before.staleServed(),
                after.failSafeActivations() - before.failSafeActivations(),
                after.softTimeouts() - before.softTimeouts(), after.backgroundLoads() - before.backgroundLoads(),
                verdict.belowFloor.get(), verdict.tooOld.get());
        assertThat(verdict.updates.get()).isPositive();
        assertThat(after.failSafeActivations() - before.failSafeActivations()).as("fail-safe exercised").isPositive();
        assertThat(after.softTimeouts() - before.softTimeouts()).as("soft timeouts exercised").isPositive();
        assertThat(after.backgroundLoads() - before.backgroundLoads()).as("background loads exercised").isPositive();
        assertThat(verdict.belowFloor.get()).as("invalidated values served, e.g. %s", verdict.examples).isZero();
        assertThat(verdict.tooOld.get()).as("values past their fail-safe period, e.g. %s", verdict.examples).isZero();
    }

    private static void read(Store store, int id, int op, AtomicLongArray floor, FakeTicker ticker, Verdict verdict,
                             long expiration, long withFailSafe) {
        int next = (id + 1) % KEYS;
        long f = floor.get(id);
        long fNext = floor.get(next);
        long startTick = ticker.read();
        try {
            if (op < 22) {
                V[] pair = store.pair(id);
                check(verdict, "pair/failSafe", id, pair[0], f, startTick, withFailSafe + expiration);
                check(verdict, "pair/auto", next, pair[1], fNext, startTick, 2 * expiration + expiration);
            } else if (op < 34) {
                check(verdict, "async", id, store.async(id).join(), f, startTick, withFailSafe);
            } else if (op < 48) {
                check(verdict, "failSafe", id, store.failSafe(id), f, startTick, withFailSafe);
            } else if (op < 62) {
                check(verdict, "soft", id, store.soft(id), f, startTick, withFailSafe);
            } else if (op < 76) {
                check(verdict, "eager", id, store.eager(id), f, startTick, expiration);
            } else if (op < 88) {
                check(verdict, "auto", id, store.auto(id), f, startTick, 2 * expiration);
            } else {
                check(verdict, "plain", id, store.plain(id), f, startTick, expiration);
            }
        } catch (IllegalStateException | java.util.concurrent.CompletionException e) {
            verdict.failures.incrementAndGet();
        }
    }

    private static void check(Verdict verdict, String method, int id, V got, long floor, long startTick,
                              long maxAge) {
        verdict.reads.incrementAndGet();
        if (got.version < floor) {
            verdict.violation(verdict.belowFloor, method + "(" + id + ") = v" + got.version + " after floor v" + floor);
        }
        long stored = got.storedAt;
        if (stored != Long.MIN_VALUE && startTick - stored >= maxAge) {
            verdict.violation(verdict.tooOld, method + "(" + id + ") stored " + (startTick - stored) / 1_000_000
                    + " ms before the read began, bound " + maxAge / 1_000_000 + " ms");
        }
    }
}
