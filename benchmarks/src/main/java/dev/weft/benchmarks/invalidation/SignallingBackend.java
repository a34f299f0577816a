package dev.weft.benchmarks.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;

/**
 * Instance B's local backend, seen through a decorator that tells the benchmark when an invalidation has been
 * applied: it delegates everything and, once {@link #invalidate(String)} has returned from the wrapped backend (the
 * entry is gone), reports the key to an {@link Arrival}. This is the moment the latency benchmark measures to.
 */
final class SignallingBackend implements CachingBackend {

    private final CachingBackend delegate;
    private final Arrival arrival;

    SignallingBackend(CachingBackend delegate, Arrival arrival) {
        this.delegate = delegate;
        this.arrival = arrival;
    }

    @Override
    public CacheItem get(ItemKey key) {
        return delegate.get(key);
    }

    @Override
    public LoadToken beginLoad(ItemKey key) {
        return delegate.beginLoad(key);
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        return delegate.set(load, item);
    }

    @Override
    public void abandon(LoadToken load) {
        delegate.abandon(load);
    }

    @Override
    public boolean isStale(LoadToken load, java.util.Set<String> dependencies) {
        return delegate.isStale(load, dependencies);
    }

    @Override
    public void invalidate(String key) {
        delegate.invalidate(key);
        arrival.arrived(key);
    }

    @Override
    public void invalidateDependency(String dependency) {
        delegate.invalidateDependency(dependency);
    }

    @Override
    public void clear() {
        delegate.clear();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
