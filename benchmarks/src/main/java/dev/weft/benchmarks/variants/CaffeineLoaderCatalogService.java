package dev.weft.benchmarks.variants;

import com.github.benmanes.caffeine.cache.Cache;
import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;

/**
 * The reference written with Caffeine's own load: {@code cache.get(key, loader)} on ONE Caffeine cache
 * ({@link CacheSpec}) keyed by a {@link CallKey}, as {@link CaffeineManualCatalogService} is. Caffeine runs the loader
 * inside the map's compute, so concurrent misses of one key run it once (single flight); the loader lambda captures
 * the arguments, as a user's code would. The miss path Weft is measured against.
 */
public final class CaffeineLoaderCatalogService implements CatalogService {

    private final Cache<CallKey, Object> cache;
    private final CatalogSource source;

    public CaffeineLoaderCatalogService(CatalogSource source, int maximumSize) {
        this.source = source;
        this.cache = CacheSpec.caffeine(maximumSize).build();
    }

    @Override
    public Product getProduct(int id) {
        return (Product) cache.get(new CallKey(CaffeineManualCatalogService.GET_PRODUCT, new Object[] {id}),
                k -> source.product(id));
    }

    @Override
    public SearchResult search(String query, int page, boolean desc) {
        return (SearchResult) cache.get(new CallKey(CaffeineManualCatalogService.SEARCH, new Object[] {query, page,
                desc}), k -> source.search(query, page, desc));
    }

    @Override
    public Quote quote(long sku) {
        return (Quote) cache.get(new CallKey(CaffeineManualCatalogService.QUOTE, new Object[] {sku}),
                k -> source.quote(sku));
    }

    /** Runs Caffeine's pending maintenance now (benchmark set-up only). */
    public void cleanUp() {
        cache.cleanUp();
    }
}
