package dev.weft.docs.testing;

import dev.weft.caching.Cached;
import dev.weft.docs.common.Product;

import java.util.concurrent.atomic.AtomicInteger;

/** docs/testing.md: the service under test, and a source that counts its loads. */
public class ProductService {

    private final AtomicInteger loads = new AtomicInteger();

    @Cached(absoluteExpiration = "10m")
    public Product getProduct(long id) {
        loads.incrementAndGet();
        return new Product(id, "Product " + id);
    }

    /** How many times the body ran. */
    public int loads() {
        return loads.get();
    }
}
