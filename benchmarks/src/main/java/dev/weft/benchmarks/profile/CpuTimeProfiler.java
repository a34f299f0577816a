package dev.weft.benchmarks.profile;

import com.sun.management.OperatingSystemMXBean;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * The CPU time the benchmark's JVM spent per operation, over every thread of the process (the benchmark threads,
 * Caffeine's maintenance in the common pool, the GC): {@code -prof dev.weft.benchmarks.profile.CpuTimeProfiler},
 * reported as {@code cpu.time.norm} in ns/op.
 *
 * <p>Why: on a machine shared with other work, wall-clock time per operation swings with whatever else runs (a
 * descheduled benchmark thread counts as a slow operation), while CPU time counts only what this JVM ran. It still
 * moves with cache pollution and frequency changes, but far less. The ratio of two variants' CPU times, on a busy
 * machine, is the steadier reading of which costs more; wall-clock time remains the primary score.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "CPU time of the whole JVM per operation (ns/op), steadier than wall time on a busy machine";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        cpuAtStart = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
                                                       IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        long ops = result.getMetadata().getAllOps();
        if (ops == 0 || cpu < 0) {
            return List.of();
        }
        return List.of(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
    }
}
