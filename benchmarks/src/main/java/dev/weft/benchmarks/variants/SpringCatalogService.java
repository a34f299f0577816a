package dev.weft.benchmarks.variants;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;
import org.springframework.cache.annotation.Cacheable;

/**
 * Spring's {@code @Cacheable} behind a CGLIB proxy ({@code @EnableCaching(proxyTargetClass = true)}), one Caffeine
 * cache per cache name ({@link CacheSpec} each), Spring's default key generator. Not final: CGLIB subclasses it.
 */
public class SpringCatalogService implements CatalogService {

    private final CatalogSource source;

    public SpringCatalogService(CatalogSource source) {
        this.source = source;
    }

    @Override
    @Cacheable("products")
    public Product getProduct(int id) {
        return source.product(id);
    }

    @Override
    @Cacheable("searches")
    public SearchResult search(String query, int page, boolean desc) {
        return source.search(query, page, desc);
    }

    @Override
    @Cacheable("quotes")
    public Quote quote(long sku) {
        return source.quote(sku);
    }
}
