package dev.weft.caching.azure;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service each test instance runs: a cached read over a "database" (a map the test drives, standing for a
 * database all instances share) and an invalidating update. Woven at test-compile time like a user's class.
 */
public class ProductCatalog {

    final Map<Long, String> database = new ConcurrentHashMap<>();
    final AtomicInteger sourceCalls = new AtomicInteger();

    @Cached(dependsOn = "product:{id}")
    public String getProduct(long id) {
        sourceCalls.incrementAndGet();
        return database.getOrDefault(id, "none");
    }

    @InvalidateCache("getProduct")
    public void rename(long id, String name) {
        database.put(id, name);
    }
}
