package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.DefaultBackendProvider;
import dev.weft.caching.memory.MemoryCachingBackend;

/** Supplies {@link MemoryCachingBackend} with default settings when the application set no backend. */
public final class MemoryBackendProvider implements DefaultBackendProvider {

    @Override
    public CachingBackend create() {
        return MemoryCachingBackend.create();
    }
}
