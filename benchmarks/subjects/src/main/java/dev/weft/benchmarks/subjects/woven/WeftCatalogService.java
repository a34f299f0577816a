package dev.weft.benchmarks.subjects.woven;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;
import dev.weft.caching.Cached;

/**
 * Weft, woven at build time by ajc (this module's aspectj-maven-plugin block is the one a user adds). The benchmark
 * sets {@code MemoryCachingBackend.builder().maximumSize(10_000)} as the default backend before the first call.
 */
public class WeftCatalogService implements CatalogService {

    private final CatalogSource source;

    public WeftCatalogService(CatalogSource source) {
        this.source = source;
    }

    @Override
    @Cached(absoluteExpiration = "600s")
    public Product getProduct(int id) {
        return source.product(id);
    }

    @Override
    @Cached(absoluteExpiration = "600s")
    public SearchResult search(String query, int page, boolean desc) {
        return source.search(query, page, desc);
    }

    @Override
    @Cached(absoluteExpiration = "600s")
    public Quote quote(long sku) {
        return source.quote(sku);
    }
}
