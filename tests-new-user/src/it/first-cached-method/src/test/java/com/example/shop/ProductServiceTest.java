package com.example.shop;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProductServiceTest {

    @Test
    void theSecondCallIsAHitAndARenameIsSeen() {
        CachingServices.setDefaultBackend(MemoryCachingBackend.builder().maximumSize(50_000).build());
        ProductService service = new ProductService();
        assertEquals("Espresso", service.getProduct(1));
        assertEquals("Espresso", service.getProduct(1));
        assertEquals(1, service.loads.get(), "the second call was a hit");
        service.renameProduct(1, "Ristretto");
        assertEquals("Ristretto", service.getProduct(1));
        assertEquals(2, service.loads.get());
        System.out.println("NEW-USER-PROJECT: hits " + CachingServices.statistics().total().hits());
    }
}
