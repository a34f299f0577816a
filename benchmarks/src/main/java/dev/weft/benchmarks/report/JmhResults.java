package dev.weft.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The results of one or more JMH JSON files ({@code -rf json}). */
final class JmhResults {

    private final List<Measurement> all = new ArrayList<>();

    /** Reads {@code file} if it exists; a missing file adds nothing (a stage that was not run). */
    JmhResults read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return this;
        }
        try (Reader in = Files.newBufferedReader(file)) {
            JsonArray results = JsonParser.parseReader(in).getAsJsonArray();
            for (JsonElement e : results) {
                all.add(toMeasurement(e.getAsJsonObject()));
            }
        }
        return this;
    }

    private static Measurement toMeasurement(JsonObject o) {
        String fqn = o.get("benchmark").getAsString();
        String[] parts = fqn.split("\\.");
        String benchmark = parts[parts.length - 2] + '.' + parts[parts.length - 1];
        JsonObject params = o.has("params") ? o.getAsJsonObject("params") : new JsonObject();
        String variant = params.has("variant") ? params.get("variant").getAsString() : "";
        JsonObject primary = o.getAsJsonObject("primaryMetric");
        Map<String, Double> secondaries = new LinkedHashMap<>();
        if (o.has("secondaryMetrics")) {
            for (Map.Entry<String, JsonElement> s : o.getAsJsonObject("secondaryMetrics").entrySet()) {
                secondaries.put(s.getKey(), number(s.getValue().getAsJsonObject().get("score")));
            }
        }
        String jvm = o.get("vmName").getAsString() + ' ' + o.get("vmVersion").getAsString() + " (JDK "
                + o.get("jdkVersion").getAsString() + ')';
        String settings = o.get("forks").getAsInt() + " fork(s), warm-up " + o.get("warmupIterations").getAsInt()
                + " × " + o.get("warmupTime").getAsString() + ", measurement " + o.get("measurementIterations").getAsInt()
                + " × " + o.get("measurementTime").getAsString();
        List<Double> forkMeans = new ArrayList<>();
        Map<Double, Double> percentiles = new TreeMap<>();
        if (primary.has("scorePercentiles")) {
            for (Map.Entry<String, JsonElement> p : primary.getAsJsonObject("scorePercentiles").entrySet()) {
                percentiles.put(Double.parseDouble(p.getKey()), number(p.getValue()));
            }
        }
        List<Map<Double, Double>> forkPercentiles = new ArrayList<>();
        long samples = 0;
        if (primary.has("rawDataHistogram")) {
            for (JsonElement fork : primary.getAsJsonArray("rawDataHistogram")) {
                Histogram h = new Histogram();
                for (JsonElement iteration : fork.getAsJsonArray()) {
                    for (JsonElement bin : iteration.getAsJsonArray()) {
                        JsonArray valueAndCount = bin.getAsJsonArray();
                        h.add(number(valueAndCount.get(0)), valueAndCount.get(1).getAsLong());
                    }
                }
                samples += h.count();
                forkMeans.add(h.mean());
                Map<Double, Double> mine = new TreeMap<>();
                for (double p : REPORTED_PERCENTILES) {
                    mine.put(p, h.percentile(p));
                }
                forkPercentiles.add(mine);
            }
        }
        if (primary.has("rawData")) {
            for (JsonElement fork : primary.getAsJsonArray("rawData")) {
                double sum = 0;
                int n = 0;
                for (JsonElement iteration : fork.getAsJsonArray()) {
                    sum += number(iteration);
                    n++;
                }
                forkMeans.add(n == 0 ? Double.NaN : sum / n);
            }
        }
        return new Measurement(benchmark, variant, o.get("threads").getAsInt(), number(primary.get("score")),
                number(primary.get("scoreError")), primary.get("scoreUnit").getAsString(), secondaries, jvm, settings,
                List.copyOf(forkMeans), percentiles, List.copyOf(forkPercentiles), samples);
    }

    /** The percentiles the report shows per fork. */
    static final double[] REPORTED_PERCENTILES = {50.0, 90.0, 99.0, 99.9};

    /** The samples of one fork: value → count, from JMH's histogram bins. */
    private static final class Histogram {
        private final TreeMap<Double, Long> counts = new TreeMap<>();
        private long count;
        private double sum;

        void add(double value, long n) {
            counts.merge(value, n, Long::sum);
            count += n;
            sum += value * n;
        }

        long count() {
            return count;
        }

        double mean() {
            return count == 0 ? Double.NaN : sum / count;
        }

        /** The smallest value with at least {@code p} % of the samples at or below it. */
        double percentile(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100 * count));
            long seen = 0;
            for (Map.Entry<Double, Long> e : counts.entrySet()) {
                seen += e.getValue();
                if (seen >= rank) {
                    return e.getKey();
                }
            }
            return counts.lastKey();
        }
    }

    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        String s = e.getAsString();
        return s.equals("NaN") ? Double.NaN : Double.parseDouble(s);
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    List<Measurement> all() {
        return all;
    }

    /** The one result of {@code benchmark} (SimpleClass.method) for {@code variant} at {@code threads}, if any. */
    Optional<Measurement> find(String benchmark, String variant, int threads) {
        return find(m -> m.benchmark().equals(benchmark) && m.variant().equals(variant) && m.threads() == threads);
    }

    Optional<Measurement> find(Predicate<Measurement> filter) {
        return all.stream().filter(filter).findFirst();
    }
}
