package dev.weft.benchmarks.subjects.woven;

import com.jcabi.aspects.Cacheable;
import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.Product;
import dev.weft.benchmarks.subjects.Quote;
import dev.weft.benchmarks.subjects.SearchResult;

import java.util.concurrent.TimeUnit;

/**
 * jcabi-aspects' {@code @Cacheable}, woven at build time by ajc with jcabi-aspects on the aspect path. jcabi keeps its
 * entries in its own map (no size bound, so not the Caffeine spec of the other variants); the key is the method, the
 * target instance and the arguments.
 */
public class JcabiCatalogService implements CatalogService {

    private final CatalogSource source;

    public JcabiCatalogService(CatalogSource source) {
        this.source = source;
    }

    @Override
    @Cacheable(lifetime = 600, unit = TimeUnit.SECONDS)
    public Product getProduct(int id) {
        return source.product(id);
    }

    @Override
    @Cacheable(lifetime = 600, unit = TimeUnit.SECONDS)
    public SearchResult search(String query, int page, boolean desc) {
        return source.search(query, page, desc);
    }

    @Override
    @Cacheable(lifetime = 600, unit = TimeUnit.SECONDS)
    public Quote quote(long sku) {
        return source.quote(sku);
    }
}
