package dev.weft.docs.backends;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;

/** docs/backends.md. */
final class MemoryBackend {

    private MemoryBackend() {
    }

    static void configure() {
        MemoryCachingBackend local = MemoryCachingBackend.builder()
                .maximumSize(50_000)
                .recordStatistics(true)
                .build();
        CachingServices.setDefaultBackend(local);
    }
}
