package dev.weft.benchmarks.ltw;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;
import dev.weft.caching.Cached;

/**
 * The same service as {@code WeftCatalogService}, but compiled by plain javac: it is woven when loaded, by
 * {@code -javaagent:aspectjweaver.jar} and this module's {@code META-INF/aop.xml}, which includes only this package.
 * Without the agent it is not cached at all (the benchmark's set-up detects that and fails).
 */
public class LtwCatalogService implements CatalogService {

    private final CatalogSource source;

    public LtwCatalogService(CatalogSource source) {
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
