package dev.weft.benchmarks.breakdown;

import com.github.benmanes.caffeine.cache.Cache;
import dev.weft.benchmarks.fullcache.FreshIds;
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
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.key.KeyShape;
import dev.weft.caching.internal.method.CachedMethod;
import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.internal.method.Load;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Diagnosis, not a comparison: the pieces of Weft's {@code getProduct(int)} miss in a full cache
 * ({@value CacheSpec#FULL_CACHE_SIZE} entries, every new entry evicts one), next to the pieces of Caffeine's, each on
 * ids never asked before (see {@code dev.weft.benchmarks.fullcache.MissBenchmark} for the whole calls). Run with
 * {@code -prof gc}. Each piece runs in its own fork, on its own full cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class MissPathBreakdown {

    /** Weft's pieces on a full backend: the woven service, its method, its key shape, the backend. */
    @State(Scope.Benchmark)
    public static class Weft {
        WeftCatalogService service;
        CachedMethod method;
        KeyShape shape;
        CachingBackend backend;
        /** What {@code @Cached(absoluteExpiration = "600s")} gives every item of the method. */
        final Expiration expiration = Expiration.of(Duration.ofSeconds(CacheSpec.EXPIRE_AFTER_WRITE_SECONDS), null);
        final Product product = new CatalogSource().product(HotKeys.productId(0));
        final FreshIds ids = new FreshIds(0);

        @Setup(Level.Trial)
        public void fill() throws ReflectiveOperationException {
            Subject subject = Subject.open("weft", new CatalogSource(), CacheSpec.FULL_CACHE_SIZE);
            service = (WeftCatalogService) subject.service();
            for (int i = 0; i < CacheSpec.FULL_CACHE_SIZE; i++) {
                service.getProduct(ids.next());
            }
            subject.runMaintenance();
            method = CachedMethods.of(HitPathBreakdown.joinPointOf(WeftCatalogService.class, "getProduct"));
            shape = method.keys();
            backend = CachingServices.getDefaultBackend();
        }
    }

    /** The reference's cache, full. */
    @State(Scope.Benchmark)
    public static class Reference {
        Cache<CallKey, Object> cache;
        final Product product = new CatalogSource().product(HotKeys.productId(0));
        final FreshIds ids = new FreshIds(0);

        @Setup(Level.Trial)
        public void fill() {
            cache = CacheSpec.caffeine(CacheSpec.FULL_CACHE_SIZE).build();
            for (int i = 0; i < CacheSpec.FULL_CACHE_SIZE; i++) {
                cache.put(key(ids.next()), product);
            }
            cache.cleanUp();
        }

        static CallKey key(int id) {
            return new CallKey(CaffeineManualCatalogService.GET_PRODUCT, new Object[] {id});
        }
    }

    /** The whole woven miss (as in MissBenchmark). */
    @Benchmark
    public Product weftWovenMiss(Weft weft) {
        return weft.service.getProduct(weft.ids.next());
    }

    /**
     * What the advice does after building the key, on a miss: {@code lookup} (a backend get that finds nothing),
     * {@code load} (a flight, a load token, the body's frame), then {@code complete} with the body's result (the
     * store, the flight closed and finished).
     */
    @Benchmark
    public Object weftLookupLoadComplete(Weft weft) {
        int id = weft.ids.next();
        ItemKey key = weft.shape.key(weft.service, id);
        Object hit = weft.method.lookup(key);
        if (hit != CachedMethod.MISS) {
            throw new IllegalStateException("id " + id + " was cached");
        }
        Load load = weft.method.load(key, weft.service, new Object[] {id});
        return load.complete(weft.product);
    }

    /** The backend's part alone: a load token and the store of an item without dependencies (it evicts one). */
    @Benchmark
    public boolean weftBackendBeginLoadAndSet(Weft weft) {
        ItemKey key = weft.shape.key(weft.service, weft.ids.next());
        return weft.backend.set(weft.backend.beginLoad(key), CacheItem.of(weft.product, weft.expiration, Set.of()));
    }

    /** Caffeine's miss with its own load: {@code cache.get(key, loader)}. */
    @Benchmark
    public Object referenceGetWithLoader(Reference reference) {
        Product product = reference.product;
        return reference.cache.get(Reference.key(reference.ids.next()), k -> product);
    }

    /** Caffeine's store alone: {@code cache.put(key, value)} of a new key (it evicts one). */
    @Benchmark
    public void referencePut(Reference reference) {
        reference.cache.put(Reference.key(reference.ids.next()), reference.product);
    }
}
