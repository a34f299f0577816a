package dev.weft.benchmarks.miss;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.variants.Subject;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent misses: 16 threads call {@code quote(sku)}, whose body burns a few microseconds of CPU
 * ({@link CatalogSource#QUOTE_WORK_TOKENS} tokens of {@code Blackhole.consumeCPU}).
 *
 * <ul>
 *   <li>{@code sameKey}: every thread asks for the one hot sku; the body of a load of it moves the hot sku on as it
 *       finishes, so the next calls miss again. With single flight, the threads that arrive during a load wait for it
 *       and share its result: one body run answers many calls.</li>
 *   <li>{@code distinctKeys}: each thread asks for skus of its own that were never asked before, so every call is a
 *       miss that runs the body; no thread should wait for another.</li>
 * </ul>
 *
 * <p>The primary score is calls per millisecond. The secondary counters give, for {@code sameKey}, body runs per hot
 * sku ({@code bodyRuns / hotKeys}: 1 with single flight, more when callers of one sku ran the body side by side) and
 * callers served per hot sku ({@code calls / hotKeys}); for {@code distinctKeys}, body runs per call (1).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(16)
public class SingleFlightBenchmark {

    private static final ThreadLocal<Counters> CURRENT_COUNTERS = new ThreadLocal<>();

    /** The variant under test, and the hot sku of {@code sameKey}. */
    @State(Scope.Benchmark)
    public static class Quotes {

        @Param({"direct", "caffeineManual", "weft", "springSync"})
        public String variant;

        final AtomicLong hotSku = new AtomicLong(1);
        CatalogService service;
        private Subject subject;

        @Setup(Level.Trial)
        public void setUp() {
            CatalogSource source = new CatalogSource();
            source.observeQuotes(sku -> {
                Counters counters = CURRENT_COUNTERS.get();
                boolean moved = hotSku.compareAndSet(sku, sku + 1);
                if (counters != null) {
                    counters.bodyRuns++;
                    if (moved) {
                        counters.hotKeys++;
                    }
                }
            });
            subject = Subject.open(variant, source);
            service = subject.service();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            subject.close();
        }
    }

    /** Skus that only this thread asks for, each once: {@code (thread + 1) << 40 | n}. */
    @State(Scope.Thread)
    public static class FreshSkus {
        private long next;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            next = (thread.getThreadIndex() + 1L) << 40;
        }

        long next() {
            return next++;
        }
    }

    /**
     * This thread's calls, body runs, and hot skus it moved on (one per load of a hot sku that finished first),
     * reported by JMH as rates next to the primary score. They are counted alike (also during JMH's iteration ramp-up
     * and ramp-down, which the primary score leaves out), so their ratios are exact.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long calls;
        public long bodyRuns;
        public long hotKeys;

        @Setup(Level.Iteration)
        public void reset() {
            calls = 0;
            bodyRuns = 0;
            hotKeys = 0;
            CURRENT_COUNTERS.set(this);
        }
    }

    @Benchmark
    public Quote sameKey(Quotes quotes, Counters counters) {
        counters.calls++;
        return quotes.service.quote(quotes.hotSku.get());
    }

    @Benchmark
    public Quote distinctKeys(Quotes quotes, FreshSkus skus, Counters counters) {
        counters.calls++;
        return quotes.service.quote(skus.next());
    }
}
