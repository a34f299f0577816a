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
 * @param percentiles for {@code Mode.SampleTime}: percentile (50.0, 99.9...) → value over all forks, as JMH computed
 *                    it ({@code scorePercentiles}); empty for other modes
 * @param forkPercentiles for {@code Mode.SampleTime}: the same percentiles of each fork's samples on its own, in fork
 *                    order, computed from JMH's histogram ({@code rawDataHistogram})
 * @param samples     for {@code Mode.SampleTime}: how many operations were sampled in the measurement iterations
 */
record Measurement(String benchmark, String variant, int threads, double score, double error, String unit,
                   Map<String, Double> secondaries, String jvm, String settings, List<Double> forkMeans,
                   Map<Double, Double> percentiles, List<Map<Double, Double>> forkPercentiles, long samples) {

    /** The percentile {@code p} (e.g. 99.9) of a SampleTime result, NaN when absent. */
    double percentile(double p) {
        return percentiles.getOrDefault(p, Double.NaN);
    }

    /** Each fork's percentile {@code p}, in fork order. */
    List<Double> forkPercentile(double p) {
        return forkPercentiles.stream().map(f -> f.getOrDefault(p, Double.NaN)).toList();
    }

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
