package dev.weft.benchmarks.subjects.woven;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;
import dev.weft.caching.Cached;

/**
 * {@link WeftCatalogService} whose {@code getProduct} entries each carry one dependency, {@code product:<id>}, as an
 * application that invalidates products by id declares: what a dependency costs per entry (the entry-size
 * measurement) and per miss.
 */
public class WeftDependsOnCatalogService implements CatalogService {

    private final CatalogSource source;

    public WeftDependsOnCatalogService(CatalogSource source) {
        this.source = source;
    }

    @Override
    @Cached(absoluteExpiration = "600s", dependsOn = "product:{id}")
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
