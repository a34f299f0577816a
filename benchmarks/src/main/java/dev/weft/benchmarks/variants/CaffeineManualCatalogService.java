package dev.weft.benchmarks.variants;

import com.github.benmanes.caffeine.cache.Cache;
import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;

/**
 * The reference: caching written by hand on ONE Caffeine cache ({@link CacheSpec}) keyed by a {@link CallKey}
 * (method number and boxed arguments). Hits are {@code getIfPresent}; misses {@code put} (no single flight, no null
 * values), except {@link #quote}, which loads with {@code cache.get(key, loader)} for the concurrent-miss benchmark.
 */
public final class CaffeineManualCatalogService implements CatalogService {

    /** The method number of {@link #getProduct} in its keys. */
    public static final int GET_PRODUCT = 1;
    static final int SEARCH = 2;
    static final int QUOTE = 3;

    private final Cache<CallKey, Object> cache;
    private final CatalogSource source;

    public CaffeineManualCatalogService(CatalogSource source) {
        this(source, CacheSpec.MAXIMUM_SIZE);
    }

    public CaffeineManualCatalogService(CatalogSource source, int maximumSize) {
        this.source = source;
        this.cache = CacheSpec.caffeine(maximumSize).build();
    }

    @Override
    public Product getProduct(int id) {
        CallKey key = new CallKey(GET_PRODUCT, new Object[] {id});
        Object hit = cache.getIfPresent(key);
        if (hit != null) {
            return (Product) hit;
        }
        Product loaded = source.product(id);
        cache.put(key, loaded);
        return loaded;
    }

    @Override
    public SearchResult search(String query, int page, boolean desc) {
        CallKey key = new CallKey(SEARCH, new Object[] {query, page, desc});
        Object hit = cache.getIfPresent(key);
        if (hit != null) {
            return (SearchResult) hit;
        }
        SearchResult loaded = source.search(query, page, desc);
        cache.put(key, loaded);
        return loaded;
    }

    /** The cache itself (the entry-size measurement walks it). */
    public Cache<CallKey, Object> cache() {
        return cache;
    }

    /** Runs Caffeine's pending maintenance now (benchmark set-up only). */
    public void cleanUp() {
        cache.cleanUp();
    }

    @Override
    public Quote quote(long sku) {
        return (Quote) cache.get(new CallKey(QUOTE, new Object[] {sku}), k -> source.quote((Long) k.arg(0)));
    }
}
