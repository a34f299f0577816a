package dev.weft.benchmarks.report;

import java.util.Locale;

/**
 * The diagnosis text: what the breakdown pieces and the profiles in {@code results/profiles/} show about Weft's hit
 * path. Numbers come from the run being reported; the mechanisms were found with the profilers named in the text and
 * are worth re-checking when the library's hit path changes.
 */
final class Diagnosis {

    private Diagnosis() {
    }

    static void write(PerformanceReport r) {
        double whole = r.pieceScore("weftWovenCall", "");
        double reference = r.pieceScore("referenceCall", "");
        double backend = r.pieceScore("weftBackendGetPrebuiltKey", "");
        double backendLikeReference = r.pieceScore("weftKeysInReferenceConfiguredCaffeine", "");
        double referenceGet = r.pieceScore("referenceGetIfPresentPrebuiltKey", "");
        double key = r.pieceScore("weftKeyConstruction", "");
        double referenceKey = r.pieceScore("referenceKeyConstruction", "");
        double instanceOf = r.pieceScore("weftTargetInstanceofCacheKey", "");
        double lookup = r.pieceScore("weftLookupPrebuiltKey", "");
        double counter = r.pieceScore("weftHitCounter", "");
        double metadata = r.pieceScore("weftMetadataByJoinPoint", "");
        double fullReference = r.pieceScore("moreThanHalfFullCache", "caffeineManual");
        double fullWeft = r.pieceScore("moreThanHalfFullCache", "weft");
        double callerRuns = r.pieceScore("weftCallerRunsMaintenance", "");
        String profiles = r.resultsLink("profiles");

        r.line(String.format(Locale.ROOT, "In this fork the whole woven call costs %s ns and the reference's %s ns: "
                + "%s ns to explain. In order of size:", n(whole), n(reference), n(whole - reference)));
        r.line();
        r.line(String.format(Locale.ROOT, "1. **The memory backend's Caffeine configuration, about %s ns.** "
                        + "`MemoryCachingBackend.get` with a prebuilt key costs %s ns; the same keys and items in a "
                        + "Caffeine cache built like the reference's (`maximumSize` + `expireAfterWrite`) cost %s ns, "
                        + "as much as the reference's own `getIfPresent` (%s ns). The backend builds its cache with "
                        + "`expireAfter(new ItemExpiry())` (variable, per-item expiration) and an `evictionListener`. "
                        + "Caffeine generates a cache class per configuration; for this one (`SSLMSA`) `fastpath()` "
                        + "returns false, for the reference's (`SSMSW`) true. With the fast path, and while the cache "
                        + "is less than half full (Caffeine has not started its frequency sketch), "
                        + "`BoundedLocalCache.skipReadBuffer()` is true and a read is the map lookup plus the expiry "
                        + "check. Without it every hit is recorded in the striped read buffer "
                        + "(`afterRead` → `StripedBuffer.offer`, a CAS), and whenever a buffer fills, "
                        + "`scheduleDrainBuffers` submits the maintenance task to `ForkJoinPool.commonPool()`, which "
                        + "wakes a parked worker with a futex system call. async-profiler, benchmark thread of the "
                        + "woven `getProduct` hit (`%s/weft-getProduct-hit.txt`): `BoundedLocalCache.afterRead` 21 %% "
                        + "of its CPU time, of which `scheduleDrainBuffers → ForkJoinPool.execute → Unsafe.unpark → "
                        + "futex_wake` 18 %%; and a second thread, `ForkJoinPool.commonPool-worker-1`, on CPU for a "
                        + "third as many samples as the benchmark thread, most of them being parked and woken again, "
                        + "13 %% running the drain. The reference's profile "
                        + "(`%s/caffeineManual-getProduct-hit.txt`) has no maintenance thread at all. With two "
                        + "benchmark threads on two cores that maintenance thread is a third runnable thread, which is "
                        + "why the 2-thread ratio is worse. The hand-off also makes Weft's hit time unstable: a fork "
                        + "settles near 85 ns or near 150 ns and can switch between the two mid-run (the per-fork "
                        + "means in the tables; `%s/weft-bimodal-forks.txt` has 3 + 3 forks where both happen). Run "
                        + "by the calling thread instead (`MemoryCachingBackend.builder().executor(Runnable::run)`, a "
                        + "diagnosis-only variant) the same call costs %s ns and stays there in every fork: the slow "
                        + "state comes from the hand-off to the pool, not from the lookup. The fast path is not "
                        + "permanent for the reference either: "
                        + "once a cache is half full, Caffeine starts the sketch and records reads too. With 6,000 "
                        + "cold entries next to the hot ones (8,048 of 10,000) the reference's hit costs %s ns and "
                        + "Weft's %s ns (%.2f ×): most of the gap in the tables above is this fast path, which Weft's "
                        + "backend gives up for every cache size. The backend also stores an `Entry` wrapping the "
                        + "`CacheItem` wrapping the value: two dependent loads more per hit than the reference.",
                n(backend - backendLikeReference), n(backend), n(backendLikeReference), n(referenceGet), profiles,
                profiles, profiles, n(callerRuns), n(fullReference), n(fullWeft), fullWeft / fullReference));
        r.line(String.format(Locale.ROOT, "2. **Key construction, about %s ns more than the reference's although it "
                        + "allocates less.** Boxing the id and `KeyShape.key(target, id)` cost %s ns (48 B: the "
                        + "`Integer` and one 32-byte `MethodKey.Key1`); the reference's boxing, argument array and "
                        + "`CallKey` cost %s ns (64 B). The difference is the `target instanceof CacheKey` test that "
                        + "`KeyShape.key` makes on every call (%s ns measured alone). The target's class does not "
                        + "implement `CacheKey`; HotSpot caches only positive answers of an interface test "
                        + "(`secondary_super_cache`), so every call scans the class's secondary supertypes: the "
                        + "compiled key construction (`%s/weft-key-construction-perfasm.txt`, `-prof "
                        + "perfasm:events=cpu-clock` with hsdis) has a `repnz scas` over `WeftCatalogService`'s "
                        + "secondary supers in its hottest region, 67 %% of the samples. The answer depends only on the "
                        + "target's class, which is the same for every call of a method that is not inherited.",
                n(key - referenceKey), n(key), n(referenceKey), n(instanceOf), profiles));
        r.line(String.format(Locale.ROOT, "3. **The hit counter, about %s ns.** `CachedMethod.lookup` with a prebuilt "
                        + "key costs %s ns, %s ns more than the backend `get` it wraps; most of that is "
                        + "`statistics.hits.increment()`, a `LongAdder` (a locked CAS on every hit; %s ns alone). "
                        + "Threads hitting the same method share it; the `LongAdder` spreads them over cells, but "
                        + "every hit still pays an atomic instruction that the reference does not.",
                n(counter), n(lookup), n(lookup - backend), n(counter)));
        r.line(String.format(Locale.ROOT, "4. **Not a cost:** finding the method's metadata by join point "
                + "(`CachedMethods.of`, a `ConcurrentHashMap` read keyed by identity) takes %s ns; the advice is "
                + "inlined into the woven method (no `JoinPoint`, no closure, no argument array) at build time.",
                n(metadata)));
        r.line();
        r.line("How the profiles were taken (async-profiler 4.1 from Maven Central, `tools.profiler:async-profiler`; "
                + "hsdis from Debian's `libhsdis0-fcml`):");
        r.line();
        r.line("```bash");
        r.line("cd benchmarks && CP=\"target/classes:$(cat target/benchmark.classpath)\"");
        r.line("java -cp \"$CP\" org.openjdk.jmh.Main 'CacheHitBenchmark.getProduct' -p variant=weft -f 1 -wi 3 -i 3 \\");
        r.line("  -prof 'async:libPath=/path/to/linux-x64/libasyncProfiler.so;output=collapsed;event=cpu;threads=true'");
        r.line("java -cp \"$CP\" org.openjdk.jmh.Main 'HitPathBreakdown.weftKeyConstruction' -f 1 -wi 3 -i 3 \\");
        r.line("  -prof 'perfasm:events=cpu-clock'");
        r.line("```");
        r.line();
    }

    private static String n(double v) {
        return PerformanceReport.num(v);
    }
}
