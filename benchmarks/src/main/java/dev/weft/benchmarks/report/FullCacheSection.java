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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Part 4 of the report: a full cache (issue 19). The cost of a miss that evicts, the retained heap per entry, and a
 * hit while another thread misses, from {@code dev.weft.benchmarks.fullcache} ({@code fullcache.json}, and
 * {@code footprint.json} written by {@code EntryFootprint}). Ratios compare results of the same run.
 */
final class FullCacheSection {

    static final String MISS = "MissBenchmark.miss";
    static final String HIT_BESIDE_MISS = "HitBesideMissBenchmark.hitBesideMiss";
    static final String HIT_ALONE = "HitBesideMissBenchmark.hitAlone";
    static final List<String> VARIANTS = List.of("caffeineManual", "caffeineLoader", "spring", "weft");
    private static final String CPU = "cpu.time.norm";

    /** The targets of issue 19. */
    static final double MISS_THROUGHPUT_TARGET = 0.85;
    static final double ENTRY_TARGET = 1.3;
    static final double ENTRY_WITH_DEPENDENCY_TARGET = 2.0;
    static final double HIT_BESIDE_MISS_TARGET = 1.1;

    private final PerformanceReport r;
    private final JmhResults results;
    /** Variant → bytes per entry, and variant → class → bytes per entry, from footprint.json. */
    private final Map<String, Double> bytesPerEntry = new LinkedHashMap<>();
    private final Map<String, List<String[]>> classes = new LinkedHashMap<>();
    private long entries;

    private FullCacheSection(PerformanceReport r, JmhResults results, Path footprint) throws IOException {
        this.r = r;
        this.results = results;
        if (Files.exists(footprint)) {
            try (Reader in = Files.newBufferedReader(footprint)) {
                JsonObject json = JsonParser.parseReader(in).getAsJsonObject();
                entries = json.get("entries").getAsLong();
                for (JsonElement e : json.getAsJsonArray("variants")) {
                    JsonObject v = e.getAsJsonObject();
                    String name = v.get("variant").getAsString();
                    bytesPerEntry.put(name, v.get("bytesPerEntry").getAsDouble());
                    List<String[]> rows = new ArrayList<>();
                    JsonArray cs = v.getAsJsonArray("classes");
                    for (JsonElement c : cs) {
                        JsonObject o = c.getAsJsonObject();
                        rows.add(new String[] {o.get("class").getAsString(),
                                String.format(Locale.ROOT, "%.2f", o.get("objectsPerEntry").getAsDouble()),
                                String.format(Locale.ROOT, "%.1f", o.get("bytesPerEntry").getAsDouble())});
                    }
                    classes.put(name, rows);
                }
            }
        }
    }

    static FullCacheSection of(PerformanceReport r, JmhResults results, Path footprint) throws IOException {
        return new FullCacheSection(r, results, footprint);
    }

    private boolean isEmpty() {
        return results.isEmpty() && bytesPerEntry.isEmpty();
    }

    // ---- targets, for the report's first section ------------------------------------------------------------------

    /** The rows of issue 19's targets; nothing when the stage was not run. */
    void targets() {
        if (isEmpty()) {
            return;
        }
        r.line("A full cache (part 4): a miss that evicts, 1 thread, against Caffeine's own load, "
                + "`cache.get(key, loader)`; the retained heap per entry against the reference's layout; a hit while "
                + "another thread misses, against the reference in the same setting.");
        r.line();
        r.line("| target | measured | met |");
        r.line("|---|---|---|");
        Optional<Measurement> weft = miss("weft");
        Optional<Measurement> loader = miss("caffeineLoader");
        if (weft.isPresent() && loader.isPresent()) {
            double throughput = loader.get().score() / weft.get().score();
            r.line(String.format(Locale.ROOT, "| miss throughput ≥ %.2f × Caffeine `get(key, loader)`, 1 thread "
                            + "| %.2f × (%s vs %s ns per miss%s) | %s |", MISS_THROUGHPUT_TARGET, throughput,
                    num(weft.get().score()), num(loader.get().score()), cpuRatio(weft.get(), loader.get()),
                    met(throughput >= MISS_THROUGHPUT_TARGET)));
        }
        Double reference = bytesPerEntry.get("caffeineManual");
        Double weftBytes = bytesPerEntry.get("weft");
        Double weftDependency = bytesPerEntry.get("weftDependsOn");
        if (reference != null && weftBytes != null) {
            double ratio = weftBytes / reference;
            r.line(String.format(Locale.ROOT, "| retained heap per entry ≤ %.1f × caffeineManual | %.2f × (%s vs "
                    + "%s B) | %s |", ENTRY_TARGET, ratio, num(weftBytes), num(reference), met(ratio <= ENTRY_TARGET)));
        }
        if (reference != null && weftDependency != null) {
            double ratio = weftDependency / reference;
            r.line(String.format(Locale.ROOT, "| retained heap per entry with one dependency ≤ %.1f × caffeineManual "
                            + "| %.2f × (%s vs %s B) | %s |", ENTRY_WITH_DEPENDENCY_TARGET, ratio, num(weftDependency),
                    num(reference), met(ratio <= ENTRY_WITH_DEPENDENCY_TARGET)));
        }
        Optional<Double> weftHit = hitBesideMiss("weft");
        Optional<Double> referenceHit = hitBesideMiss("caffeineManual");
        if (weftHit.isPresent() && referenceHit.isPresent()) {
            double ratio = weftHit.get() / referenceHit.get();
            r.line(String.format(Locale.ROOT, "| hit while another thread misses ≤ %.1f × caffeineManual's | %.2f × "
                            + "(%s vs %s ns) | %s |", HIT_BESIDE_MISS_TARGET, ratio, num(weftHit.get()),
                    num(referenceHit.get()), met(ratio <= HIT_BESIDE_MISS_TARGET)));
        }
        r.line();
    }

    // ---- the section ----------------------------------------------------------------------------------------------

    void write() {
        r.line("## 4. A full cache: misses that evict, entry size, a hit beside a miss");
        r.line();
        if (isEmpty()) {
            r.line("Not run.");
            r.line();
            return;
        }
        r.line(String.format(Locale.ROOT, "Every cache here is full: at most %,d entries, filled with that many "
                + "`getProduct(int)` entries of distinct ids before measuring, so that every new entry makes it evict "
                + "one. Ids are scattered (the n-th is n × 0x9E3779B9), so that consecutive keys land in unrelated "
                + "slots of the hash table, as real keys do. The body returns a preallocated product, as in the hit "
                + "benchmarks: the time is the caching layer's. `caffeineLoader` is the reference written with "
                + "Caffeine's own load, `cache.get(key, k -> source.product(id))` (single flight inside the map's "
                + "compute); `caffeineManual` is `getIfPresent`, then `put`. Caffeine's maintenance (the eviction) "
                + "runs on the common pool in every variant, Weft's included, as it does by default.", entries > 0
                ? entries : 200_000));
        r.line();
        r.line("| | caffeineManual (`getIfPresent` + `put`) | Caffeine `get(key, loader)` | Spring `@Cacheable` | Weft "
                + "| target |");
        r.line("|---|---:|---:|---:|---:|---:|");
        StringBuilder miss = new StringBuilder("| miss, 1 thread (ns, B per call) |");
        for (String variant : VARIANTS) {
            Optional<Measurement> m = miss(variant);
            miss.append(m.map(x -> " " + num(x.score()) + " ns, " + num(x.bytesPerOp()) + " B").orElse(" –"));
            if (variant.equals("weft")) {
                Optional<Measurement> loader = miss("caffeineLoader");
                m.ifPresent(w -> loader.ifPresent(l -> miss.append(String.format(Locale.ROOT,
                        " = %.2f × Caffeine `get`", l.score() / w.score()))));
            }
            miss.append(" |");
        }
        r.line(miss + String.format(Locale.ROOT, " ≥ %.2f × |", MISS_THROUGHPUT_TARGET));
        StringBuilder heap = new StringBuilder("| retained heap per entry |");
        Double reference = bytesPerEntry.get("caffeineManual");
        for (String variant : VARIANTS) {
            if (variant.equals("caffeineLoader")) {
                heap.append(" (the same layout as caffeineManual) |");
                continue;
            }
            Double b = bytesPerEntry.get(variant);
            heap.append(b == null ? " –" : " " + num(b) + " B");
            if (variant.equals("weft") && b != null && reference != null) {
                heap.append(String.format(Locale.ROOT, " (%.2f ×)", b / reference));
                Double d = bytesPerEntry.get("weftDependsOn");
                if (d != null) {
                    heap.append(String.format(Locale.ROOT, "; %s B with one dependency (%.2f ×)", num(d),
                            d / reference));
                }
            }
            heap.append(" |");
        }
        r.line(heap + String.format(Locale.ROOT, " ≤ %.1f ×; ≤ %.0f × with one dependency |", ENTRY_TARGET,
                ENTRY_WITH_DEPENDENCY_TARGET));
        StringBuilder beside = new StringBuilder("| hit while another thread misses (ns) |");
        for (String variant : VARIANTS) {
            Optional<Double> h = hitBesideMiss(variant);
            Optional<Measurement> alone = hitAlone(variant);
            beside.append(h.map(x -> " " + num(x)).orElse(" –"));
            if (h.isPresent() && alone.isPresent()) {
                beside.append(String.format(Locale.ROOT, " (%.1f × its hit alone)", h.get() / alone.get().score()));
            }
            if (variant.equals("weft")) {
                hitBesideMiss("caffeineManual").ifPresent(ref -> h.ifPresent(w -> beside.append(String.format(
                        Locale.ROOT, " = %.2f × caffeineManual's", w / ref))));
            }
            beside.append(" |");
        }
        r.line(beside + String.format(Locale.ROOT, " ≤ %.1f × caffeineManual's |", HIT_BESIDE_MISS_TARGET));
        r.line();
        missDetails();
        footprintDetails();
        hitDetails();
    }

    private void missDetails() {
        if (miss("weft").isEmpty()) {
            return;
        }
        r.line("### A miss that evicts, 1 thread");
        r.line();
        r.line("`MissBenchmark`: JMH AverageTime, `-prof gc`; every measured call is checked to have run the body. "
                + "CPU ns/op is the CPU time of the whole JVM (the caller, Caffeine's maintenance on the common "
                + "pool, the GC) per call, from `CpuTimeProfiler`: steadier than wall time when other work shares the "
                + "machine.");
        r.line();
        r.line("| variant | ns/op | ± (99.9%) | each fork's mean | CPU ns/op | B/op | throughput ÷ Caffeine `get` |");
        r.line("|---|---:|---:|---:|---:|---:|---:|");
        Optional<Measurement> loader = miss("caffeineLoader");
        for (String variant : VARIANTS) {
            miss(variant).ifPresent(m -> r.line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |",
                    variant.equals("weft") ? "**weft**" : variant, num(m.score()), num(m.error()), forks(m),
                    num(m.secondaries().getOrDefault(CPU, Double.NaN)), num(m.bytesPerOp()),
                    loader.map(l -> String.format(Locale.ROOT, "%.2f", l.score() / m.score())).orElse("–"))));
        }
        r.line();
        r.line("What a Weft miss does that Caffeine's `get(key, loader)` does not: it registers a flight in the "
                + "method's single-flight map (Caffeine's single flight is the lock of the key's hash bin, held while "
                + "the loader runs; Weft runs the body outside any lock, so a slow body never blocks other keys), "
                + "takes a load token, pushes a frame that collects the body's dependencies, and checks the "
                + "invalidation log after the entry is in the map (no stale write-back). Without "
                + "dependencies the store is a `putIfAbsent` of a hidden entry, shown once the check passes; with "
                + "them, a `compute` that indexes them under the key's lock. Most of the time of every variant is "
                + "Caffeine's: the eviction each new entry causes, the frequency sketch, and the GC copying entries "
                + "that live until 200,000 later misses evict them.");
        r.line();
    }

    private void footprintDetails() {
        if (bytesPerEntry.isEmpty()) {
            return;
        }
        r.line("### Retained heap per entry");
        r.line();
        r.line(String.format(Locale.ROOT, "`EntryFootprint` fills each cache with %,d `getProduct` entries and walks "
                + "its object graph with JOL's `GraphLayout` (every reachable object counted once, at this JVM's "
                + "layout: compressed references, 8-byte alignment). Counted alike for every variant: what the cache "
                + "structure holds (Caffeine's nodes, its table and frequency sketch, the keys with their boxed ids, "
                + "the stored entry objects; for Weft also its dependency index and invalidation log), minus what it "
                + "held empty, minus what it shares with the rest of the program (the values, which are the "
                + "source's preallocated products, excluded for everyone; Weft's per-method metadata: `CachedMethod`, "
                + "`KeyShape`, the `Expiration` its entries share; Caffeine's executor), divided by the entries. "
                + "`weftDependsOn` is `@Cached(absoluteExpiration = \"600s\", dependsOn = \"product:{id}\")`: one "
                + "dependency string per entry. Per class, per entry:", entries));
        r.line();
        for (Map.Entry<String, List<String[]>> v : classes.entrySet()) {
            StringBuilder sb = new StringBuilder("- `" + v.getKey() + "`, " + num(bytesPerEntry.get(v.getKey()))
                    + " B:");
            for (String[] c : v.getValue()) {
                if (Double.parseDouble(c[2]) < 1) {
                    continue;
                }
                sb.append(' ').append(simpleName(c[0])).append(' ').append(c[2]).append(" B");
                if (!c[1].equals("0.00") && !c[1].equals("-0.00") && !c[1].equals("1.00")) {
                    sb.append(" (").append(c[1]).append(" objects)");
                }
                sb.append(',');
            }
            sb.setLength(sb.length() - 1);
            r.line(sb + ".");
        }
        r.line();
        r.line("`long[]`, about 10.5 B per entry, is Caffeine's frequency sketch, and `ConcurrentHashMap$Node[]` of "
                + "the same size the map's table: both are sized by the maximum size. `PSWMS` and `PSMS` are Caffeine's "
                + "generated node classes: the references' caches configure `expireAfterWrite`, whose node holds a "
                + "write time and its place in a write-order queue; Weft's backend checks expiration in its own entry "
                + "instead (a Caffeine `Expiry` would cost the hit path), so its node is smaller and its entry "
                + "larger.");
        r.line();
    }

    private void hitDetails() {
        if (hitBesideMiss("weft").isEmpty()) {
            return;
        }
        r.line("### A hit while another thread misses");
        r.line();
        r.line("`HitBesideMissBenchmark`: a JMH group of two threads on the full cache, one calling `getProduct` on "
                + "the 1024 hot ids (`hit`), the other on ids never asked before (`miss`: every call loads, stores "
                + "and evicts); the figure is the hitting thread's time. `hitAlone` is the same hit with nobody "
                + "missing. Every measurement iteration is checked: no hot key reached the source.");
        r.line();
        r.line("| variant | hit beside a miss, ns | its miss, ns | hit alone, ns | hit ÷ caffeineManual's |");
        r.line("|---|---:|---:|---:|---:|");
        Optional<Double> ref = hitBesideMiss("caffeineManual");
        for (String variant : VARIANTS) {
            Optional<Measurement> group = find(HIT_BESIDE_MISS, variant);
            group.ifPresent(g -> r.line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |",
                    variant.equals("weft") ? "**weft**" : variant, num(g.secondaries().getOrDefault("hit", Double.NaN)),
                    num(g.secondaries().getOrDefault("miss", Double.NaN)),
                    hitAlone(variant).map(a -> num(a.score())).orElse("–"),
                    ref.map(x -> String.format(Locale.ROOT, "%.2f", g.secondaries().getOrDefault("hit", Double.NaN)
                            / x)).orElse("–"))));
        }
        r.line();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Optional<Measurement> miss(String variant) {
        return find(MISS, variant);
    }

    private Optional<Measurement> hitAlone(String variant) {
        return find(HIT_ALONE, variant);
    }

    private Optional<Double> hitBesideMiss(String variant) {
        return find(HIT_BESIDE_MISS, variant).map(m -> m.secondaries().get("hit"));
    }

    private Optional<Measurement> find(String benchmark, String variant) {
        return results.find(m -> m.benchmark().equals(benchmark) && m.variant().equals(variant));
    }

    /** ", CPU 1.10 ×" when both have CPU time, else "". */
    private static String cpuRatio(Measurement weft, Measurement loader) {
        double w = weft.secondaries().getOrDefault(CPU, Double.NaN);
        double l = loader.secondaries().getOrDefault(CPU, Double.NaN);
        return Double.isNaN(w) || Double.isNaN(l) ? ""
                : String.format(Locale.ROOT, "; by CPU time %.2f ×", l / w);
    }

    private static String simpleName(String className) {
        String s = className.substring(className.lastIndexOf('.') + 1);
        return "`" + s + "`";
    }

    private static String forks(Measurement m) {
        StringBuilder sb = new StringBuilder();
        for (double mean : m.forkMeans()) {
            sb.append(sb.length() == 0 ? "" : " / ").append(num(mean));
        }
        return sb.toString();
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String num(double v) {
        return PerformanceReport.num(v);
    }
}
