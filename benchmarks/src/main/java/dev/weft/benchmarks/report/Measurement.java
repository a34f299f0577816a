package dev.weft.benchmarks.report;

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
 */
record Measurement(String benchmark, String variant, int threads, double score, double error, String unit,
                   Map<String, Double> secondaries, String jvm, String settings) {

    /** Bytes allocated per operation ({@code -prof gc}), NaN when not profiled. */
    double bytesPerOp() {
        return secondaries.getOrDefault("gc.alloc.rate.norm", Double.NaN);
    }

    /** The benchmark method's name. */
    String method() {
        return benchmark.substring(benchmark.indexOf('.') + 1);
    }
}
