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

        r.line(String.format(Locale.ROOT, "The whole woven call costs %s ns here (each fork's mean: %s), the "
                + "reference's %s ns. Weft's call has two steady states, explained under 1: near 80–85 ns, and "
                + "near 150 ns. In order of size:", n(whole), r.pieceForks("weftWovenCall", ""), n(reference)));
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
                        + "cold entries next to the hot ones (8,048 of 10,000) the reference's hit costs %s ns (fork "
                        + "means %s) and Weft's %s ns (%s), %.2f ×%s. So a large part of the gap in the tables "
                        + "above is Caffeine's fast path for caches under half full, which Weft's backend gives up at "
                        + "every cache size. The backend also stores an `Entry` wrapping the "
                        + "`CacheItem` wrapping the value: two dependent loads more per hit than the reference.",
                n(backend - backendLikeReference), n(backend), n(backendLikeReference), n(referenceGet), profiles,
                profiles, profiles, n(callerRuns), n(fullReference), r.pieceForks("moreThanHalfFullCache",
                        "caffeineManual"), n(fullWeft), r.pieceForks("moreThanHalfFullCache", "weft"),
                fullWeft / fullReference, r.pieceSpread("moreThanHalfFullCache", "caffeineManual") > 1.3
                        ? "; with its read buffer in use the reference shows two states across forks as well" : ""));
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
                        + "target's class, which is the same for every call of a method that is not inherited. On "
                        + "JDK 25 the same test measures 0.4 ns (`%s/jdk25-instanceof.txt`, one short fork): JDK 23 "
                        + "replaced the linear scan with a hashed table of secondary supertypes, so this cost is "
                        + "JDK 17–22's.",
                n(key - referenceKey), n(key), n(referenceKey), n(instanceOf), profiles, profiles));
        r.line(String.format(Locale.ROOT, "3. **The hit counter, about %s ns.** `CachedMethod.lookup` counts every "
                        + "hit with `statistics.hits.increment()`, a `LongAdder`: a locked CAS per hit, %s ns "
                        + "measured alone, which the reference does not pay. Threads hitting the same method share "
                        + "it (the `LongAdder` spreads them over cells, but each hit is still an atomic instruction). "
                        + "`CachedMethod.lookup` with a prebuilt key costs %s ns (fork means %s) against %s ns (%s) "
                        + "for the backend `get` it wraps; with both in two states, their difference is not a "
                        + "reliable measure of the wrapper, hence the counter measured on its own.",
                n(counter), n(counter), n(lookup), r.pieceForks("weftLookupPrebuiltKey", ""), n(backend),
                r.pieceForks("weftBackendGetPrebuiltKey", "")));
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
