package dev.weft.samples.quickstart;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A product service over a slow source: every read of the source takes 200 ms. */
public class ProductService {

    private final Map<Long, Product> database = new ConcurrentHashMap<>();

    public ProductService() {
        database.put(1L, new Product(1, "Espresso", 250));
        database.put(2L, new Product(2, "Cappuccino", 350));
    }

    /** Cached: the first call per id runs this body; later calls return the stored product. */
    @Cached(absoluteExpiration = "10m")
    public Product getProduct(long id) {
        simulateSlowSource();
        return database.get(id);
    }

    /** After it returns, the cached {@code getProduct(id)} for the same {@code id} is removed. */
    @InvalidateCache("getProduct")
    public void renameProduct(long id, String newName) {
        database.computeIfPresent(id, (k, p) -> new Product(p.id(), newName, p.priceCents()));
    }

    /** Changes a price without telling the cache: stale until invalidated imperatively. */
    public void changePriceBehindTheCachesBack(long id, long priceCents) {
        database.computeIfPresent(id, (k, p) -> new Product(p.id(), p.name(), priceCents));
    }

    private static void simulateSlowSource() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
