package com.example.shop;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

public class ProductService {

    private final Map<Long, String> repository = new ConcurrentHashMap<>(Map.of(1L, "Espresso"));
    public final AtomicInteger loads = new AtomicInteger();

    @Cached(absoluteExpiration = "10m")
    public String getProduct(long id) {
        loads.incrementAndGet();
        return repository.get(id);
    }

    @InvalidateCache("getProduct")
    public void renameProduct(long id, String newName) {
        repository.put(id, newName);
    }
}
