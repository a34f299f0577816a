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
                List.copyOf(forkMeans));
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
