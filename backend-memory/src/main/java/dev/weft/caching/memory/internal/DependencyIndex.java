package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemKey;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which keys carry which dependency, and which key has which canonical text.
 *
 * <p>Every change for a key happens while the cache holds that key's lock (inside a compute or an eviction), so
 * the index of one key never races with itself. Adding to and removing from a dependency's key set are each one
 * atomic {@code compute}, so a set is never dropped while a key is being added to it.
 */
public final class DependencyIndex {

    private final ConcurrentHashMap<String, Set<ItemKey>> byDependency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ItemKey> byCanonical = new ConcurrentHashMap<>();

    /**
     * Indexes {@code key} with its new dependencies, removing those of the item it replaces.
     *
     * @return a different key that had the same canonical text (a formatter collision), which the caller must
     *         remove, or {@code null}
     */
    public ItemKey index(ItemKey key, Collection<String> oldDependencies, Collection<String> newDependencies) {
        for (String d : oldDependencies) {
            if (!newDependencies.contains(d)) {
                remove(d, key);
            }
        }
        for (String d : newDependencies) {
            byDependency.compute(d, (name, keys) -> {
                Set<ItemKey> set = keys != null ? keys : ConcurrentHashMap.newKeySet();
                set.add(key);
                return set;
            });
        }
        ItemKey previous = byCanonical.put(key.canonical(), key);
        return previous != null && !previous.equals(key) ? previous : null;
    }

    /** Removes {@code key} and its dependencies from the index. */
    public void unindex(ItemKey key, Collection<String> dependencies) {
        for (String d : dependencies) {
            remove(d, key);
        }
        byCanonical.remove(key.canonical(), key);
    }

    private void remove(String dependency, ItemKey key) {
        byDependency.computeIfPresent(dependency, (name, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
        });
    }

    /** The key whose canonical text is {@code canonical}, or {@code null}. */
    public ItemKey keyOf(String canonical) {
        return byCanonical.get(canonical);
    }

    /** A snapshot of the keys that carry {@code dependency}. */
    public List<ItemKey> dependents(String dependency) {
        Set<ItemKey> keys = byDependency.get(dependency);
        return keys == null ? List.of() : List.copyOf(keys);
    }

    /** Number of dependency keys indexed. */
    public int dependencyCount() {
        return byDependency.size();
    }
}
