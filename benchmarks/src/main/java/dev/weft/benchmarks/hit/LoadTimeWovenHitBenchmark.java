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
 * {@link CacheHitBenchmark} for Weft woven at load time: the fork runs with AspectJ's weaver as an agent, which weaves
 * {@code dev.weft.benchmarks.ltw.LtwCatalogService} (javac-compiled) as it loads. The agent path is relative: run
 * from the benchmarks directory (run.sh does), where {@code mvn package} copied the weaver.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:" + LoadTimeWovenHitBenchmark.WEAVER_AGENT)
public class LoadTimeWovenHitBenchmark {

    /** Where the benchmarks module's build copies aspectjweaver.jar, relative to the benchmarks directory. */
    public static final String WEAVER_AGENT = "target/agents/aspectjweaver.jar";

    /** The load-time woven variant, filled with the hot keys. */
    @State(Scope.Benchmark)
    public static class Catalog extends HitSubject {

        /** One value: a parameter only so that reports show this variant's name like the others'. */
        @Param("weftLtw")
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
