package dev.weft.benchmarks.fullcache;

import dev.weft.benchmarks.hit.HitSubject;
import dev.weft.benchmarks.hit.HotKeyCursor;
import dev.weft.benchmarks.subjects.HotKeys;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.variants.CacheSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;

/**
 * A hit while another thread misses: in a full cache ({@value CacheSpec#FULL_CACHE_SIZE} entries), one thread calls
 * {@code getProduct} on the 1024 hot ids ({@code hit}) while one other thread calls the same method with ids never
 * asked before ({@code miss}), each of which runs the body, stores and evicts. The hitting thread's time is the
 * figure: what a hit costs while loads of the same method are in flight and the cache evicts. {@code hitAlone} is
 * the same hit on the same full cache with nobody missing. Checked after every measurement iteration: no hot key
 * reached the source (none was evicted).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HitBesideMissBenchmark {

    /** The variant: the hot keys of both hit-path methods, and cold entries up to the maximum size. */
    @State(Scope.Benchmark)
    public static class FullCatalog extends HitSubject {

        @Param({"caffeineManual", "caffeineLoader", "spring", "weft"})
        public String variant;

        private long hotKeyLoadsAtIterationStart;

        @Setup(Level.Trial)
        public void setUp() {
            open(variant, CacheSpec.FULL_CACHE_SIZE - 2 * HotKeys.COUNT, CacheSpec.FULL_CACHE_SIZE);
        }

        @Setup(Level.Iteration)
        public void mark() {
            hotKeyLoadsAtIterationStart = hotKeyLoads();
        }

        /**
         * Fails a measurement iteration in which a hot key reached the source. Warm-up iterations may reload a few:
         * the set-up's reads of the hot keys happened while the cache was less than half full, when Caffeine does not
         * record reads, so at first its eviction policy takes them for entries read once, and the first misses can
         * evict some of them; the hitting thread's reads then establish them as frequent.
         */
        @TearDown(Level.Iteration)
        public void hotKeysWereHits(IterationParams iteration) {
            long reloaded = hotKeyLoads() - hotKeyLoadsAtIterationStart;
            if (iteration.getType() == IterationType.MEASUREMENT && reloaded != 0) {
                throw new IllegalStateException(variant + ": " + reloaded + " calls of hot keys reached the source "
                        + "during a measurement iteration: a hot key was evicted, so not every measured hit was one");
            }
        }

        // Not closed at the end of the trial, like MissBenchmark's variants: a trial-level tear-down runs inside the
        // last measurement iteration, where -prof gc would count Weft's clear() of 200,000 entries.
    }

    /** The missing thread's ids; this range is disjoint from every other benchmark's fill. */
    @State(Scope.Thread)
    public static class MissIds {
        final FreshIds ids = new FreshIds(1 << 30);
    }

    @Benchmark
    @Group("hitBesideMiss")
    @GroupThreads(1)
    public Product hit(FullCatalog catalog, HotKeyCursor keys) {
        return catalog.service.getProduct(HotKeys.productId(keys.next()));
    }

    @Benchmark
    @Group("hitBesideMiss")
    @GroupThreads(1)
    public Product miss(FullCatalog catalog, MissIds ids) {
        return catalog.service.getProduct(ids.ids.next());
    }

    @Benchmark
    public Product hitAlone(FullCatalog catalog, HotKeyCursor keys) {
        return catalog.service.getProduct(HotKeys.productId(keys.next()));
    }
}
