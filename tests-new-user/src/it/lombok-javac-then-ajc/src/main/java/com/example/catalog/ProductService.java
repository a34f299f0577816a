package com.example.catalog;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.extern.slf4j.Slf4j;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

@Slf4j
@RequiredArgsConstructor
public class ProductService {

    private final Map<ProductId, Product> database = new ConcurrentHashMap<>();
    @Getter
    private final AtomicInteger loads = new AtomicInteger();
    private final String currency;

    public void add(Product product) {
        database.put(product.getId(), copy(product));
    }

    @Cached(absoluteExpiration = "10m")
    public Product getProduct(ProductId id) {
        loads.incrementAndGet();
        log.info("loading {} in {}", id, currency);
        return copy(database.get(id));
    }

    @InvalidateCache("getProduct")
    public void reprice(ProductId id, BigDecimal price) {
        database.get(id).setPrice(price);
    }

    private static Product copy(Product p) {
        return new Product(p.getId(), p.getName(), p.getPrice());
    }
}
