package dev.weft.spring.boot.it.catalog;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import org.springframework.stereotype.Service;

/** Woven at compile time: {@link #getProduct} is cached in the "products" profile, {@link #rename} invalidates it. */
@Service
public class ProductService {

    private final ProductStore store;

    public ProductService(ProductStore store) {
        this.store = store;
    }

    @Cached(profile = "products")
    public String getProduct(long id) {
        return store.read(id);
    }

    @InvalidateCache("getProduct")
    public void rename(long id, String name) {
        store.write(id, name);
    }
}
