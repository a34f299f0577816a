package dev.weft.benchmarks.breakdown;

import com.github.benmanes.caffeine.cache.Cache;
import dev.weft.benchmarks.hit.HitSubject;
import dev.weft.benchmarks.hit.HotKeyCursor;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.HotKeys;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.woven.WeftCatalogService;
import dev.weft.benchmarks.variants.CacheSpec;
import dev.weft.benchmarks.variants.CaffeineManualCatalogService;
import dev.weft.benchmarks.variants.CallKey;
import dev.weft.benchmarks.variants.Subject;
import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.key.KeyShape;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.method.CachedMethod;
import dev.weft.caching.internal.method.CachedMethods;
import org.aspectj.lang.JoinPoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Diagnosis, not a comparison: the pieces of Weft's {@code getProduct(int)} hit path measured one at a time, next to
 * the same pieces of the hand-written reference, all on the hot keys of the hit benchmark's getProduct. Each
 * piece calls Weft's internal classes the way the woven advice does; keys are prebuilt where a piece must not pay for
 * them. Run with {@code -prof gc}.
 *
 * <p>See {@code dev.weft.benchmarks.hit.CacheHitBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HitPathBreakdown {

    /** Weft's pieces: the woven service, its join point, its method metadata, prebuilt keys, the backend. */
    @State(Scope.Benchmark)
    public static class Weft {
        WeftCatalogService service;
        JoinPoint.StaticPart joinPoint;
        CachedMethod method;
        KeyShape shape;
        ItemKey[] keys;
        CachingBackend backend;
        /** Weft's keys and items in a Caffeine cache built like the reference's ({@link CacheSpec}). */
        Cache<ItemKey, CacheItem> referenceConfiguredCache;
        final LongAdder hitCounter = new LongAdder();
        private Subject subject;

        @Setup(Level.Trial)
        public void setUp() throws ReflectiveOperationException {
            subject = Subject.open("weft", new CatalogSource());
            service = (WeftCatalogService) subject.service();
            for (int k = 0; k < HotKeys.COUNT; k++) {
                service.getProduct(HotKeys.productId(k));
            }
            joinPoint = joinPointOf(WeftCatalogService.class, "getProduct");
            method = CachedMethods.of(joinPoint);
            shape = method.keys();
            backend = CachingServices.getDefaultBackend();
            referenceConfiguredCache = CacheSpec.caffeine().build();
            keys = new ItemKey[HotKeys.COUNT];
            for (int k = 0; k < HotKeys.COUNT; k++) {
                // a new Integer, not the one the stored key holds: lookups compare by value, as real calls do
                keys[k] = shape.key(service, Integer.valueOf(new String(Integer.toString(HotKeys.productId(k)))));
                CacheItem item = backend.get(keys[k]);
                if (item == null || method.lookup(keys[k]) == CachedMethod.MISS) {
                    throw new IllegalStateException("hot key " + keys[k] + " is not cached");
                }
                referenceConfiguredCache.put(keys[k], item);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            subject.close();
        }
    }

    /** The reference's pieces: its service, and prebuilt keys in a cache of its own. */
    @State(Scope.Benchmark)
    public static class Reference {
        CaffeineManualCatalogService service;
        Cache<CallKey, Object> cache;
        CallKey[] keys;

        @Setup(Level.Trial)
        public void setUp() {
            CatalogSource source = new CatalogSource();
            service = new CaffeineManualCatalogService(source);
            cache = CacheSpec.caffeine().build();
            keys = new CallKey[HotKeys.COUNT];
            for (int k = 0; k < HotKeys.COUNT; k++) {
                int id = HotKeys.productId(k);
                service.getProduct(id);
                keys[k] = new CallKey(CaffeineManualCatalogService.GET_PRODUCT, new Object[] {Integer.valueOf(id)});
                cache.put(keys[k], source.product(id));
            }
        }
    }

    /** Finds the woven class's join point static part of {@code methodName} (a private static field ajc adds). */
    public static JoinPoint.StaticPart joinPointOf(Class<?> woven, String methodName) throws ReflectiveOperationException {
        for (Field f : woven.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == JoinPoint.StaticPart.class) {
                f.setAccessible(true);
                JoinPoint.StaticPart jp = (JoinPoint.StaticPart) f.get(null);
                if (jp.getSignature().getName().equals(methodName)) {
                    return jp;
                }
            }
        }
        throw new IllegalStateException(woven + " has no join point for " + methodName + ": is it woven?");
    }

    // ---- Weft -----------------------------------------------------------------------------------------------------

    /** The whole woven call (as in CacheHitBenchmark), the sum of the pieces below. */
    @Benchmark
    public Product weftWovenCall(Weft weft, HotKeyCursor cursor) {
        return weft.service.getProduct(HotKeys.productId(cursor.next()));
    }

    /** The advice's first step: the method metadata by join point (a ConcurrentHashMap read). */
    @Benchmark
    public CachedMethod weftMetadataByJoinPoint(Weft weft) {
        return CachedMethods.of(weft.joinPoint);
    }

    /** The advice's second step: boxing the argument and building the key object. */
    @Benchmark
    public ItemKey weftKeyConstruction(Weft weft, HotKeyCursor cursor) {
        return weft.shape.key(weft.service, Integer.valueOf(HotKeys.productId(cursor.next())));
    }

    /** The advice's third step with a prebuilt key: CachedMethod.lookup (checks, backend get, hit counter). */
    @Benchmark
    public Object weftLookupPrebuiltKey(Weft weft, HotKeyCursor cursor) {
        return weft.method.lookup(weft.keys[cursor.next()]);
    }

    /** MemoryCachingBackend.get alone, prebuilt key. */
    @Benchmark
    public CacheItem weftBackendGetPrebuiltKey(Weft weft, HotKeyCursor cursor) {
        return weft.backend.get(weft.keys[cursor.next()]);
    }

    /**
     * The same keys and items in a bare Caffeine cache configured like the reference's (expireAfterWrite, no
     * listener): what the backend's get costs beyond the Caffeine lookup itself (its {@code Entry} wrapper, removal
     * flag and own expiry check).
     */
    @Benchmark
    public CacheItem weftKeysInReferenceConfiguredCaffeine(Weft weft, HotKeyCursor cursor) {
        return weft.referenceConfiguredCache.getIfPresent(weft.keys[cursor.next()]);
    }

    /** The per-method hit counter alone (a LongAdder, as in MethodStatistics). */
    @Benchmark
    public void weftHitCounter(Weft weft) {
        weft.hitCounter.increment();
    }

    // ---- a cache more than half full -----------------------------------------------------------------------------

    /**
     * The reference and Weft with 6,000 cold entries next to the 2,048 hot ones (8,048 of 10,000): past half its
     * maximum size, Caffeine starts its frequency sketch and stops skipping the read buffer, so every hit is recorded
     * for the eviction policy, in both caches. What a hit costs in a cache that is more than half full.
     */
    @State(Scope.Benchmark)
    public static class HalfFullCatalog extends HitSubject {

        @Param({"caffeineManual", "weft"})
        public String variant;

        @Setup(Level.Trial)
        public void setUp() {
            open(variant, 6_000);
        }

        @TearDown(Level.Iteration)
        public void everyCallWasAHit() {
            checkAllHits();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            close();
        }
    }

    /** getProduct hits on a cache that holds 8,048 entries of its 10,000. */
    @Benchmark
    public Product moreThanHalfFullCache(HalfFullCatalog catalog, HotKeyCursor cursor) {
        return catalog.service.getProduct(HotKeys.productId(cursor.next()));
    }

    // ---- reference ------------------------------------------------------------------------------------------------

    /** The whole reference call (as in CacheHitBenchmark). */
    @Benchmark
    public Product referenceCall(Reference reference, HotKeyCursor cursor) {
        return reference.service.getProduct(HotKeys.productId(cursor.next()));
    }

    /** The reference's key: boxing, the argument array, the key object and its hash. */
    @Benchmark
    public CallKey referenceKeyConstruction(HotKeyCursor cursor) {
        return new CallKey(CaffeineManualCatalogService.GET_PRODUCT,
                new Object[] {Integer.valueOf(HotKeys.productId(cursor.next()))});
    }

    /** The reference's getIfPresent alone, prebuilt key. */
    @Benchmark
    public Object referenceGetIfPresentPrebuiltKey(Reference reference, HotKeyCursor cursor) {
        return reference.cache.getIfPresent(reference.keys[cursor.next()]);
    }
}
