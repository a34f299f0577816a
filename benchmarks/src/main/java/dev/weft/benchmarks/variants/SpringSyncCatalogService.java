package dev.weft.benchmarks.variants;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;
import org.springframework.cache.annotation.Cacheable;

/**
 * {@link SpringCatalogService} with {@code sync = true}: Spring loads through {@code Cache.get(key, loader)}, which
 * Caffeine runs once per key while concurrent callers of that key wait (single flight).
 */
public class SpringSyncCatalogService implements CatalogService {

    private final CatalogSource source;

    public SpringSyncCatalogService(CatalogSource source) {
        this.source = source;
    }

    @Override
    @Cacheable(cacheNames = "products", sync = true)
    public Product getProduct(int id) {
        return source.product(id);
    }

    @Override
    @Cacheable(cacheNames = "searches", sync = true)
    public SearchResult search(String query, int page, boolean desc) {
        return source.search(query, page, desc);
    }

    @Override
    @Cacheable(cacheNames = "quotes", sync = true)
    public Quote quote(long sku) {
        return source.quote(sku);
    }
}
