package dev.weft.benchmarks.fullcache;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.variants.CacheSpec;
import dev.weft.benchmarks.variants.CaffeineManualCatalogService;
import dev.weft.benchmarks.variants.Subject;
import dev.weft.caching.CachingServices;
import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;
import org.openjdk.jol.vm.VM;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * The retained heap per entry of each variant's cache when full ({@value CacheSpec#FULL_CACHE_SIZE} entries of
 * {@code getProduct(int)}, distinct ids), measured by walking the object graph with JOL's {@link GraphLayout}: every
 * object reachable from the cache structure, counted once, at the size this JVM gives it.
 *
 * <p>What is counted, alike for every variant: everything reachable from the cache (Caffeine's nodes, its table and
 * frequency sketch, the keys with their boxed arguments, the stored entry objects; for Weft also the dependency
 * index and the invalidation log, for {@code weftDependsOn} the dependency strings and their index), minus what the
 * structure held when empty (its fixed part) and minus what it shares with the rest of the program: the values (the
 * source's preallocated products), the method metadata Weft keeps once per method ({@code CachedMethod},
 * {@code KeyShape}, the {@code Expiration} its items share) and Caffeine's executor. Divided by the number of entries.
 *
 * <p>Usage: {@code EntryFootprint <footprint.json>}; prints a table and writes the JSON the report reads.
 */
public final class EntryFootprint {

    /** The variants measured: the reference's layout, Spring's, Weft's without and with one dependency. */
    static final List<String> VARIANTS = List.of("caffeineManual", "spring", "weft", "weftDependsOn");

    private EntryFootprint() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: EntryFootprint <footprint.json>");
            System.exit(2);
        }
        JsonObject json = new JsonObject();
        json.addProperty("entries", CacheSpec.FULL_CACHE_SIZE);
        json.addProperty("vm", VM.current().details().replace("\n", " ").trim());
        JsonArray variants = new JsonArray();
        for (String variant : VARIANTS) {
            variants.add(measure(variant));
        }
        json.add("variants", variants);
        Files.writeString(Path.of(args[0]), new GsonBuilder().setPrettyPrinting().create().toJson(json));
    }

    private static JsonObject measure(String variant) {
        CatalogSource source = new CatalogSource();
        Subject subject = Subject.open(variant, source, CacheSpec.FULL_CACHE_SIZE);
        try {
            Supplier<Object> structure = structureOf(variant, subject);
            CatalogService service = subject.service();
            List<Object> shared = new ArrayList<>(List.of(source, ForkJoinPool.commonPool()));
            Footprint empty = exclusive(structure.get(), shared);
            FreshIds ids = new FreshIds(0);
            for (int i = 0; i < CacheSpec.FULL_CACHE_SIZE; i++) {
                service.getProduct(ids.next());
            }
            subject.runMaintenance();
            long entries = entriesOf(variant, subject);
            if (entries != CacheSpec.FULL_CACHE_SIZE) {
                throw new IllegalStateException(variant + ": " + entries + " entries after filling with "
                        + CacheSpec.FULL_CACHE_SIZE + " distinct ids");
            }
            shared.addAll(CachedMethods.all());
            Footprint full = exclusive(structure.get(), shared);
            double perEntry = (double) (full.totalBytes() - empty.totalBytes()) / entries;
            JsonObject result = new JsonObject();
            result.addProperty("variant", variant);
            result.addProperty("entries", entries);
            result.addProperty("bytesPerEntry", perEntry);
            result.addProperty("fixedBytes", empty.totalBytes());
            JsonArray classes = new JsonArray();
            List<Class<?>> byBytes = new ArrayList<>(full.byClass().keySet());
            byBytes.sort(Comparator.comparingLong((Class<?> c) -> -(full.bytes(c) - empty.bytes(c)))
                    .thenComparing(Class::getName));
            System.out.printf(Locale.ROOT, "%s: %.1f B per entry (%d entries; fixed part %d B)%n", variant, perEntry,
                    entries, empty.totalBytes());
            for (Class<?> c : byBytes) {
                double bytes = (double) (full.bytes(c) - empty.bytes(c)) / entries;
                double count = (double) (full.count(c) - empty.count(c)) / entries;
                if (Math.abs(bytes) < 0.05) {
                    continue;
                }
                JsonObject o = new JsonObject();
                o.addProperty("class", c.getTypeName());
                o.addProperty("objectsPerEntry", count);
                o.addProperty("bytesPerEntry", bytes);
                classes.add(o);
                System.out.printf(Locale.ROOT, "  %8.1f B %8.3f objects  %s%n", bytes, count, c.getTypeName());
            }
            result.add("classes", classes);
            return result;
        } finally {
            try {
                subject.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The root object of a variant's cache structure. */
    private static Supplier<Object> structureOf(String variant, Subject subject) {
        switch (variant) {
            case "caffeineManual":
                return ((CaffeineManualCatalogService) subject.service())::cache;
            case "spring":
                Object products = subject.springNativeCache("products");
                return () -> products;
            case "weft":
            case "weftDependsOn":
                return CachingServices::getDefaultBackend;
            default:
                throw new IllegalArgumentException(variant);
        }
    }

    private static long entriesOf(String variant, Subject subject) {
        switch (variant) {
            case "caffeineManual":
                return ((CaffeineManualCatalogService) subject.service()).cache().estimatedSize();
            case "spring":
                return subject.springNativeCache("products").estimatedSize();
            default:
                return ((MemoryCachingBackend) CachingServices.getDefaultBackend()).estimatedSize();
        }
    }

    /**
     * The objects reachable from {@code root} but not from {@code shared}: the walk of both minus the walk of the
     * shared roots alone, by totals per class. (Each walk counts every object once, by identity; differences of
     * totals stay right whatever the GC moves between the walks, which subtracting layouts by address would not.)
     */
    private static Footprint exclusive(Object root, List<Object> shared) {
        Object[] roots = new Object[shared.size() + 1];
        for (int i = 0; i < shared.size(); i++) {
            roots[i] = shared.get(i);
        }
        roots[shared.size()] = root;
        return Footprint.of(GraphLayout.parseInstance(roots)).minus(Footprint.of(GraphLayout.parseInstance(
                shared.toArray())));
    }

    /** Object counts and bytes per class. */
    private record Footprint(Map<Class<?>, long[]> byClass) {

        static Footprint of(GraphLayout layout) {
            Map<Class<?>, long[]> m = new HashMap<>();
            Multiset<Class<?>> counts = layout.getClassCounts();
            Multiset<Class<?>> sizes = layout.getClassSizes();
            for (Class<?> c : layout.getClasses()) {
                m.put(c, new long[] {counts.count(c), sizes.count(c)});
            }
            return new Footprint(m);
        }

        Footprint minus(Footprint other) {
            Map<Class<?>, long[]> m = new HashMap<>();
            for (Map.Entry<Class<?>, long[]> e : byClass.entrySet()) {
                long[] o = other.byClass.getOrDefault(e.getKey(), new long[2]);
                m.put(e.getKey(), new long[] {e.getValue()[0] - o[0], e.getValue()[1] - o[1]});
            }
            for (Map.Entry<Class<?>, long[]> e : other.byClass.entrySet()) {
                m.putIfAbsent(e.getKey(), new long[] {-e.getValue()[0], -e.getValue()[1]});
            }
            return new Footprint(m);
        }

        long count(Class<?> c) {
            return byClass.getOrDefault(c, new long[2])[0];
        }

        long bytes(Class<?> c) {
            return byClass.getOrDefault(c, new long[2])[1];
        }

        long totalBytes() {
            return byClass.values().stream().mapToLong(v -> v[1]).sum();
        }
    }
}
