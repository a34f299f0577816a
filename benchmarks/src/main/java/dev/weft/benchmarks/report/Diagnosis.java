package dev.weft.benchmarks.report;

import java.util.Locale;

/**
 * The diagnosis text: what the breakdown pieces say about Weft's hit path next to the reference's. Every number and
 * every comparison is computed from the run being reported; the fixed sentences say what each piece contains.
 */
final class Diagnosis {

    private Diagnosis() {
    }

    static void write(PerformanceReport r) {
        double whole = r.pieceScore("weftWovenCall", "");
        double reference = r.pieceScore("referenceCall", "");
        double backend = r.pieceScore("weftBackendGetPrebuiltKey", "");
        double bareCaffeine = r.pieceScore("weftKeysInReferenceConfiguredCaffeine", "");
        double referenceGet = r.pieceScore("referenceGetIfPresentPrebuiltKey", "");
        double key = r.pieceScore("weftKeyConstruction", "");
        double referenceKey = r.pieceScore("referenceKeyConstruction", "");
        double lookup = r.pieceScore("weftLookupPrebuiltKey", "");
        double counter = r.pieceScore("weftHitCounter", "");
        double metadata = r.pieceScore("weftMetadataByJoinPoint", "");
        double fullReference = r.pieceScore("moreThanHalfFullCache", "caffeineManual");
        double fullWeft = r.pieceScore("moreThanHalfFullCache", "weft");

        r.line(String.format(Locale.ROOT, "The whole woven call costs %s ns here (each fork's mean: %s), the "
                        + "reference's %s ns (%s): %.2f ×. Piece by piece:", n(whole), r.pieceForks("weftWovenCall", ""),
                n(reference), r.pieceForks("referenceCall", ""), whole / reference));
        r.line();
        r.line(String.format(Locale.ROOT, "1. **Key construction**: boxing the id and `KeyShape.key(target, id)` cost "
                        + "%s ns and %s B (the `Integer` and one `MethodKey.Key1`, which holds the argument without "
                        + "rendering the canonical string); the reference's boxing, argument array and `CallKey` cost "
                        + "%s ns and %s B. %s",
                n(key), n(r.pieceBytes("weftKeyConstruction", "")), n(referenceKey),
                n(r.pieceBytes("referenceKeyConstruction", "")), versus("Weft's key", key, referenceKey)));
        r.line(String.format(Locale.ROOT, "2. **The backend**: `MemoryCachingBackend.get` with a prebuilt key costs "
                        + "%s ns; the same keys and items in a bare Caffeine cache configured like the reference's "
                        + "cost %s ns, and the reference's own `getIfPresent` %s ns. The backend's part beyond the "
                        + "Caffeine lookup (the entry Caffeine holds is the `CacheItem` returned; it checks the entry's "
                        + "removal flag and its own expiration deadline, which reads the clock for items that expire, as "
                        + "`@Cached(absoluteExpiration = \"600s\")` items do) is %s ns.",
                n(backend), n(bareCaffeine), n(referenceGet), signed(backend - bareCaffeine)));
        r.line(String.format(Locale.ROOT, "3. **`CachedMethod.lookup`** with a prebuilt key (the checks around the "
                        + "backend `get`, and the hit counter) costs %s ns (fork means %s), %s ns over the backend "
                        + "`get` it wraps. The hit counter alone, `LongAdder.increment()` (`MethodStatistics`), costs "
                        + "%s ns per hit on one thread, which the reference does not pay; threads hitting one method "
                        + "share the adder, which spreads them over cells under contention.",
                n(lookup), r.pieceForks("weftLookupPrebuiltKey", ""), signed(lookup - backend), n(counter)));
        r.line(String.format(Locale.ROOT, "4. **Finding the method's metadata** by join point (`CachedMethods.of`, a "
                + "`ConcurrentHashMap` read keyed by identity) takes %s ns; the advice is inlined into the woven "
                + "method at build time (no `JoinPoint`, no closure, no argument array).", n(metadata)));
        r.line(String.format(Locale.ROOT, "5. **A cache more than half full**: with 6,000 cold entries next to the hot "
                        + "ones (8,048 of 10,000), Caffeine starts its frequency sketch and records every read in its "
                        + "read buffer, for both caches. The reference's hit then costs %s ns (fork means %s) and "
                        + "Weft's %s ns (%s), %.2f ×. Below half full, as in the tables of part 1, Caffeine skips that "
                        + "recording for both.",
                n(fullReference), r.pieceForks("moreThanHalfFullCache", "caffeineManual"), n(fullWeft),
                r.pieceForks("moreThanHalfFullCache", "weft"), fullWeft / fullReference));
        r.line();
        r.line("History: until commit c9442be the backend configured a Caffeine `Expiry` (variable expiration), which "
                + "turned off Caffeine's read fast path and sent every hit through the read buffer and the "
                + "maintenance thread, and `KeyShape` tested `target instanceof CacheKey` on every call, an 11 ns "
                + "scan of the class's secondary supertypes on JDK 17. The profiles that showed it, taken before that "
                + "commit, are in `" + r.profilesLink() + "`; the report of that run is in the history of "
                + "this file. They describe the old hit path, not the one measured above.");
        r.line();
    }

    /** "Weft's key costs 1.2 ns more/less than the reference's" or "costs the same as". */
    private static String versus(String what, double weft, double ref) {
        double d = weft - ref;
        if (Math.abs(d) < 0.05 * ref || Math.abs(d) < 0.3) {
            return what + " costs about the same as the reference's.";
        }
        return String.format(Locale.ROOT, "%s costs %s ns %s than the reference's.", what, n(Math.abs(d)),
                d > 0 ? "more" : "less");
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : (v >= 0 ? "+" : "−") + n(Math.abs(v));
    }

    private static String n(double v) {
        return PerformanceReport.num(v);
    }
}
