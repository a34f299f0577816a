package dev.weft.benchmarks.hit;

import dev.weft.benchmarks.subjects.HotKeys;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.SearchResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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

import java.util.concurrent.TimeUnit;

/**
 * The cost of a cache hit: every measured call finds its value cached (checked after every iteration). Two shapes,
 * {@code getProduct(int)} and {@code search(String, int, boolean)}, over 1024 hot keys each, visited in a
 * pseudo-random order. Run with {@code -prof gc} for the bytes allocated per call, and with {@code -t 1} and
 * {@code -t 2}. The load-time woven variant is {@link LoadTimeWovenHitBenchmark}: it needs an agent in its fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class CacheHitBenchmark {

    /** The variant, filled with the hot keys; shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Catalog extends HitSubject {

        @Param({"direct", "caffeineManual", "weft", "spring", "springSync", "jcabi"})
        public String variant;

        @Setup(Level.Trial)
        public void setUp() {
            open(variant);
        }

        @TearDown(Level.Iteration)
        public void everyCallWasAHit() {
            checkAllHits();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            close();
        }
    }

    @Benchmark
    public Product getProduct(Catalog catalog, HotKeyCursor keys) {
        return catalog.service.getProduct(HotKeys.productId(keys.next()));
    }

    @Benchmark
    public SearchResult search(Catalog catalog, HotKeyCursor keys) {
        int k = keys.next();
        return catalog.service.search(HotKeys.query(k), HotKeys.page(k), HotKeys.desc(k));
    }
}
