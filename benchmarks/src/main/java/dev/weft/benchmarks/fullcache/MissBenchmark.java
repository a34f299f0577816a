package dev.weft.benchmarks.fullcache;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.variants.CacheSpec;
import dev.weft.benchmarks.variants.Subject;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost of a miss, 1 thread: every call of {@code getProduct(int)} asks for an id never asked before, in a cache
 * already full ({@value CacheSpec#FULL_CACHE_SIZE} entries), so that every call runs the body, stores its result and
 * makes the cache evict one entry. The body is as cheap as the hit benchmarks' (it returns a preallocated product),
 * so the time is the caching layer's. Checked after every iteration: every call reached the body. Run with
 * {@code -prof gc}.
 *
 * <p>{@code caffeineManual} misses with {@code getIfPresent} then {@code put}; {@code caffeineLoader} with
 * {@code cache.get(key, loader)}, the single-flight load Weft is compared with; {@code spring} is
 * {@code @Cacheable}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(1)
public class MissBenchmark {

    /** The variant, full of entries that the measured calls never ask for again. */
    @State(Scope.Benchmark)
    public static class FullCache {

        @Param({"caffeineManual", "caffeineLoader", "spring", "weft"})
        public String variant;

        CatalogService service;
        final FreshIds ids = new FreshIds(0);
        private CatalogSource source;
        private Subject subject;
        private long calls;
        private long callsAtIterationStart;
        private long loadsAtIterationStart;

        @Setup(Level.Trial)
        public void fill() {
            source = new CatalogSource();
            subject = Subject.open(variant, source, CacheSpec.FULL_CACHE_SIZE);
            service = subject.service();
            for (int i = 0; i < CacheSpec.FULL_CACHE_SIZE; i++) {
                service.getProduct(ids.next());
            }
            subject.runMaintenance();
            if (source.productLoads() != CacheSpec.FULL_CACHE_SIZE) {
                throw new IllegalStateException(variant + ": filling with " + CacheSpec.FULL_CACHE_SIZE
                        + " distinct ids ran the body " + source.productLoads() + " times");
            }
        }

        @Setup(Level.Iteration)
        public void mark() {
            callsAtIterationStart = calls;
            loadsAtIterationStart = source.productLoads();
        }

        @TearDown(Level.Iteration)
        public void everyCallWasAMiss() {
            long c = calls - callsAtIterationStart;
            long loads = source.productLoads() - loadsAtIterationStart;
            if (loads != c) {
                throw new IllegalStateException(variant + ": " + c + " calls ran the body " + loads + " times: not "
                        + "every measured call was a miss");
            }
        }

        // Not closed at the end of the trial: JMH runs a trial-level tear-down inside the last measurement
        // iteration, whose -prof gc and CPU time would then count Weft's clear() of 200,000 entries (+100 B and
        // +2 µs per call in that iteration, where the references close nothing). The fork's JVM exits right after.

        Product miss() {
            calls++;
            return service.getProduct(ids.next());
        }
    }

    @Benchmark
    public Product miss(FullCache cache) {
        return cache.miss();
    }
}
