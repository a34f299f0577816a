package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local backend for the method layer's unit tests (the memory backend lives in a module that depends on this one):
 * a map of canonical keys to items, an item may be marked expired (read as {@code STALE}), every load token, store,
 * abandon and invalidation is recorded, and a test can script {@code beginLoad}, {@code awaitPeerLoad} and
 * {@code set}.
 */
class ScriptedBackend implements CachingBackend {

    final Map<String, CacheItem> items = new ConcurrentHashMap<>();
    final Set<String> expired = ConcurrentHashMap.newKeySet();
    final List<LoadToken> begun = new CopyOnWriteArrayList<>();
    final List<LoadToken> abandoned = new CopyOnWriteArrayList<>();
    final List<String> invalidated = new CopyOnWriteArrayList<>();
    final List<String> dependenciesInvalidated = new CopyOnWriteArrayList<>();
    final AtomicInteger peerWaits = new AtomicInteger();

    /** What {@code beginLoad} does before it answers a token; may throw. */
    volatile Runnable onBeginLoad = () -> { };
    /** What {@code awaitPeerLoad} answers; {@code null}: no peer. */
    volatile Function<LoadToken, CacheItem> peer = t -> null;
    /** A load whose store {@code set} refuses, as if an invalidation overlapped it; {@code null}: none. */
    volatile LoadToken refused;
    /** Whether {@code set} throws, as a backend that lost its connection does. */
    volatile boolean failStores;
    /** Whether {@code read} throws. */
    volatile boolean failReads;
    /** Whether {@code isStale} throws. */
    volatile boolean failIsStale;
    /** What {@code isStale} answers. */
    volatile boolean stale = true;

    void put(ItemKey key, CacheItem item) {
        items.put(key.canonical(), item);
    }

    void putExpired(ItemKey key, CacheItem item) {
        items.put(key.canonical(), item);
        expired.add(key.canonical());
    }

    Object valueOf(ItemKey key) {
        CacheItem item = items.get(key.canonical());
        return item == null ? null : item.value();
    }

    @Override
    public CacheItem get(ItemKey key) {
        return expired.contains(key.canonical()) ? null : items.get(key.canonical());
    }

    @Override
    public ItemRead read(ItemKey key) {
        if (failReads) {
            throw new IllegalStateException("the backend lost its connection");
        }
        CacheItem item = items.get(key.canonical());
        if (item == null) {
            return null;
        }
        return ItemRead.of(item, expired.contains(key.canonical()) ? ItemRead.State.STALE : ItemRead.State.FRESH);
    }

    @Override
    public LoadToken beginLoad(ItemKey key) {
        onBeginLoad.run();
        LoadToken token = new LoadToken() {
            @Override
            public ItemKey key() {
                return key;
            }
        };
        begun.add(token);
        return token;
    }

    @Override
    public CacheItem awaitPeerLoad(LoadToken load, long timeoutNanos) {
        peerWaits.incrementAndGet();
        return peer.apply(load);
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        if (failStores) {
            throw new IllegalStateException("the backend lost its connection");
        }
        if (load == refused) {
            return false;
        }
        items.put(load.key().canonical(), item);
        expired.remove(load.key().canonical());
        return true;
    }

    @Override
    public void abandon(LoadToken load) {
        abandoned.add(load);
    }

    @Override
    public boolean isStale(LoadToken load, Set<String> dependencies) {
        if (failIsStale) {
            throw new IllegalStateException("the backend lost its connection");
        }
        return stale;
    }

    @Override
    public void invalidate(String key) {
        invalidated.add(key);
        items.remove(key);
    }

    @Override
    public void invalidateDependency(String dependency) {
        dependenciesInvalidated.add(dependency);
    }

    @Override
    public void clear() {
        items.clear();
    }

    @Override
    public void close() {
    }
}
