package com.example.catalog;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProductServiceTest {

    @Test
    void lombokTypesAsArgumentsAndResultsAreCachedAndInvalidated() {
        CachingServices.setDefaultBackend(MemoryCachingBackend.builder().maximumSize(50_000).build());
        // javac compiled these classes; the build wove them afterwards
        CachingServices.verifyWoven(ProductService.class);
        ProductService service = new ProductService("EUR");
        service.add(new Product(new ProductId(1), "Espresso", new BigDecimal("2.10")));

        Product first = service.getProduct(new ProductId(1));
        Product second = service.getProduct(new ProductId(1));   // an equal, new argument: the same key
        assertEquals(first, second);
        assertEquals(1, service.getLoads().get(), "the second call was a hit");

        service.reprice(new ProductId(1), new BigDecimal("2.40"));
        assertEquals(new BigDecimal("2.40"), service.getProduct(new ProductId(1)).getPrice());
        assertEquals(2, service.getLoads().get());
        System.out.println("LOMBOK-PROJECT: hits " + CachingServices.statistics().total().hits());
    }
}
