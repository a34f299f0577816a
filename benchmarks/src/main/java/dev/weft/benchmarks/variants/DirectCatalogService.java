package dev.weft.benchmarks.variants;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;

/** No cache: every call runs the body. The floor under every other variant. */
public final class DirectCatalogService implements CatalogService {

    private final CatalogSource source;

    public DirectCatalogService(CatalogSource source) {
        this.source = source;
    }

    @Override
    public Product getProduct(int id) {
        return source.product(id);
    }

    @Override
    public SearchResult search(String query, int page, boolean desc) {
        return source.search(query, page, desc);
    }

    @Override
    public Quote quote(long sku) {
        return source.quote(sku);
    }
}
