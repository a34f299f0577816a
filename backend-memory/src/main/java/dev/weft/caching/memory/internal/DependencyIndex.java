package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemKey;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which keys carry which dependency.
 *
 * <p>A dependency carried by one key maps to that key itself; only a dependency shared by several keys gets a set.
 * Most dependencies name one row ({@code product:42}) and are carried by one or two entries, so this saves a
 * concurrent set (about 150 bytes) per entry against always keeping one. The map key is the dependency string the
 * entry itself holds, so the index adds no copy of it.
 *
 * <p>Every change for a key happens while the cache holds that key's lock (inside a compute or an eviction), so the
 * index of one key never races with itself. Adding a key to, and removing one from, a dependency's keys are each one
 * atomic {@code compute}, so a set is never dropped while a key is being added to it.
 */
public final class DependencyIndex {

    /** Values are an {@link ItemKey} or a {@code Set<ItemKey>} of two or more. */
    private final ConcurrentHashMap<String, Object> byDependency = new ConcurrentHashMap<>();

    /** Indexes {@code key} with its new dependencies, removing those of the item it replaces. */
    public void index(ItemKey key, Collection<String> oldDependencies, Collection<String> newDependencies) {
        for (String d : oldDependencies) {
            if (!newDependencies.contains(d)) {
                remove(d, key);
            }
        }
        for (String d : newDependencies) {
            byDependency.compute(d, (name, keys) -> add(keys, key));
        }
    }

    @SuppressWarnings("unchecked")
    private static Object add(Object keys, ItemKey key) {
        if (keys == null || keys.equals(key)) {
            return key;
        }
        if (keys instanceof ItemKey) {
            Set<ItemKey> set = ConcurrentHashMap.newKeySet(4);
            set.add((ItemKey) keys);
            set.add(key);
            return set;
        }
        ((Set<ItemKey>) keys).add(key);
        return keys;
    }

    /** Removes {@code key} and its dependencies from the index. */
    public void unindex(ItemKey key, Collection<String> dependencies) {
        for (String d : dependencies) {
            remove(d, key);
        }
    }

    @SuppressWarnings("unchecked")
    private void remove(String dependency, ItemKey key) {
        byDependency.computeIfPresent(dependency, (name, keys) -> {
            if (keys instanceof ItemKey) {
                return keys.equals(key) ? null : keys;
            }
            Set<ItemKey> set = (Set<ItemKey>) keys;
            set.remove(key);
            return set.isEmpty() ? null : set;
        });
    }

    /** A snapshot of the keys that carry {@code dependency}. */
    @SuppressWarnings("unchecked")
    public List<ItemKey> dependents(String dependency) {
        Object keys = byDependency.get(dependency);
        if (keys == null) {
            return List.of();
        }
        if (keys instanceof ItemKey) {
            return List.of((ItemKey) keys);
        }
        return List.copyOf((Set<ItemKey>) keys);
    }

    /** Number of dependency keys indexed. */
    public int dependencyCount() {
        return byDependency.size();
    }
}
