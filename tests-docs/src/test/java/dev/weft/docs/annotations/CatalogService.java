package dev.weft.docs.annotations;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfiguration;
import dev.weft.docs.common.Product;

/** docs/annotations.md, precedence. */
@CachingConfiguration(profile = "catalog", absoluteExpiration = "10m")
public class CatalogService {

    /** A price, for the example. */
    public record Price(long cents) {
    }

    @Cached
    public Product product(long id) {
        return new Product(id, "p" + id);
    }

    @Cached(absoluteExpiration = "1m")
    public Price price(long id) {
        return new Price(id);
    }
}
