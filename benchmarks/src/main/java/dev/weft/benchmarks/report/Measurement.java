package dev.weft.benchmarks.report;

import java.util.List;
import java.util.Map;

/**
 * One JMH result: a benchmark method at one parameter value and thread count, its primary score and the secondary
 * scores the report uses.
 *
 * @param benchmark   {@code SimpleClassName.method}
 * @param variant     the {@code variant} parameter, or {@code ""}
 * @param threads     benchmark threads
 * @param score       primary score
 * @param error       half-width of the 99.9% confidence interval, NaN when JMH had too few samples
 * @param unit        primary unit
 * @param secondaries secondary metric name → score (e.g. {@code gc.alloc.rate.norm}, {@code bodyRuns})
 * @param jvm         the JVM description JMH recorded
 * @param settings    forks, warm-up and measurement iterations as JMH recorded them
 * @param forkMeans   the mean of each fork's measurement iterations, in fork order
 */
record Measurement(String benchmark, String variant, int threads, double score, double error, String unit,
                   Map<String, Double> secondaries, String jvm, String settings, List<Double> forkMeans) {

    /** Bytes allocated per operation ({@code -prof gc}), NaN when not profiled. */
    double bytesPerOp() {
        return secondaries.getOrDefault("gc.alloc.rate.norm", Double.NaN);
    }

    /** The largest fork mean over the smallest: far above 1 when forks settled in different steady states. */
    double forkSpread() {
        double min = forkMeans.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = forkMeans.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return max / min;
    }

    /** The benchmark method's name. */
    String method() {
        return benchmark.substring(benchmark.indexOf('.') + 1);
    }
}
