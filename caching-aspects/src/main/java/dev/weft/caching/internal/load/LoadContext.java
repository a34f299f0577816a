package dev.weft.caching.internal.load;

import dev.weft.caching.CachingContext;
import dev.weft.caching.internal.key.MethodKey;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Collects the dependencies of one cached call while its body runs: those its template declares are added when it
 * completes; those added by {@link CachingContext#addDependency} and by the cached calls it makes arrive here.
 *
 * <p>Confined to the thread running the body. A context with a {@code null} key is a barrier installed by
 * {@code suspendDependencyPropagation()}: what reaches it is dropped.
 */
public final class LoadContext implements CachingContext {

    final LoadContext parent;
    private final MethodKey key;
    private Set<String> dependencies;

    public LoadContext(LoadContext parent, MethodKey key) {
        this.parent = parent;
        this.key = key;
    }

    static LoadContext barrier(LoadContext parent) {
        return new LoadContext(parent, null);
    }

    public boolean isBarrier() {
        return key == null;
    }

    @Override
    public void addDependency(String... deps) {
        for (String d : deps) {
            add(d);
        }
    }

    public void add(String dependency) {
        Objects.requireNonNull(dependency, "dependency");
        if (dependency.isEmpty()) {
            throw new IllegalArgumentException("a dependency key must not be empty");
        }
        if (key == null) {
            return;
        }
        if (dependencies == null) {
            dependencies = new LinkedHashSet<>();
        }
        dependencies.add(dependency);
    }

    public void addAll(Collection<String> deps) {
        if (key == null || deps.isEmpty()) {
            return;
        }
        if (dependencies == null) {
            dependencies = new LinkedHashSet<>();
        }
        dependencies.addAll(deps);
    }

    /** The dependencies collected so far; never {@code null}. */
    public Set<String> collected() {
        return dependencies == null ? Set.of() : dependencies;
    }

    @Override
    public boolean isActive() {
        return key != null;
    }

    @Override
    public String key() {
        return key == null ? null : key.canonical();
    }

    @Override
    public String toString() {
        return key == null ? "CachingContext{suspended}" : "CachingContext{" + key.canonical() + '}';
    }
}
