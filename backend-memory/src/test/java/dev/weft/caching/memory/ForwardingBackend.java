package dev.weft.caching.memory;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;

import java.util.Set;

/** A backend that forwards every call to another: broken variants override the one step they break. */
class ForwardingBackend implements CachingBackend {

    private final CachingBackend delegate;

    ForwardingBackend(CachingBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public CacheItem get(ItemKey key) {
        return delegate.get(key);
    }

    @Override
    public ItemRead read(ItemKey key) {
        return delegate.read(key);
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
    public boolean isStale(LoadToken load, Set<String> dependencies) {
        return delegate.isStale(load, dependencies);
    }

    @Override
    public void invalidate(String key) {
        delegate.invalidate(key);
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
