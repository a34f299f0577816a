package dev.weft.caching.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simplest local backend that shows what an invalidator did to it: a map of canonical keys, and a record of
 * every invalidation and clear it received. (The memory backend lives in a module that depends on this one.)
 */
class RecordingBackend implements CachingBackend {

    final Map<String, Object> entries = new ConcurrentHashMap<>();
    final List<String> invalidated = Collections.synchronizedList(new ArrayList<>());
    final List<String> dependenciesInvalidated = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger clears = new AtomicInteger();

    /** Stores {@code key} directly, as a completed load would. */
    void put(String key, Object value) {
        entries.put(key, value);
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    @Override
    public CacheItem get(ItemKey key) {
        Object v = entries.get(key.canonical());
        return v == null ? null : CacheItem.of(v);
    }

    @Override
    public LoadToken beginLoad(ItemKey key) {
        return () -> key;
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        entries.put(load.key().canonical(), item.value());
        return true;
    }

    @Override
    public void abandon(LoadToken load) {
    }

    @Override
    public void invalidate(String key) {
        invalidated.add(key);
        entries.remove(key);
    }

    @Override
    public void invalidateDependency(String dependency) {
        dependenciesInvalidated.add(dependency);
    }

    @Override
    public void clear() {
        clears.incrementAndGet();
        entries.clear();
    }

    @Override
    public void close() {
    }
}
