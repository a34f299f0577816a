package dev.weft.caching.internal.load;

import dev.weft.caching.CachingContext;
import dev.weft.caching.backend.ItemKey;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Collects the dependencies of one cached call while its body runs: those its template declares are added when it
 * completes; those added by {@link CachingContext#addDependency} and by the cached calls it makes arrive here.
 *
 * <p>Confined to the thread running the body, which it checks: {@link #addDependency} from another thread, or after
 * the body returned, is an {@link IllegalStateException} rather than a silent race.
 */
public final class LoadContext extends Frame implements CachingContext {

    static final CachingContext INACTIVE = new CachingContext() {
        @Override
        public void addDependency(String... dependencies) {
            // no cached call is running on this thread: nothing depends on anything
        }

        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public String key() {
            return null;
        }

        @Override
        public String toString() {
            return "CachingContext{inactive}";
        }
    };

    private final ItemKey key;
    private final Thread owner = Thread.currentThread();
    private Set<String> dependencies;
    private boolean closed;
    /** Set when a call inside the body was answered with a stale (expired) value: the result must not be stored. */
    private boolean servedStale;

    /** A context for the body of {@code key}, above the current top. */
    public LoadContext(Frame parent, ItemKey key) {
        super(parent);
        this.key = key;
    }

    @Override
    public void addDependency(String... deps) {
        checkOwner();
        for (String d : deps) {
            add(d);
        }
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("CachingContext of " + key.canonical() + " used from thread "
                    + Thread.currentThread().getName() + ": a context belongs to the thread running the cached body ("
                    + owner.getName() + ")");
        }
        if (closed) {
            throw new IllegalStateException("CachingContext of " + key.canonical() + " used after its cached body "
                    + "returned");
        }
    }

    /** Adds a dependency key (a nested call's key or one of its dependencies). */
    public void add(String dependency) {
        Objects.requireNonNull(dependency, "dependency");
        if (dependency.isEmpty()) {
            throw new IllegalArgumentException("a dependency key must not be empty");
        }
        if (dependencies == null) {
            dependencies = new LinkedHashSet<>();
        }
        dependencies.add(dependency);
    }

    /** Adds dependency keys. */
    public void addAll(Collection<String> deps) {
        if (deps.isEmpty()) {
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

    /** Records that a call inside this body returned a stale value. */
    public void servedStale() {
        servedStale = true;
    }

    /** Whether a call inside this body returned a stale value, so that its result must not be stored. */
    public boolean hasServedStale() {
        return servedStale;
    }

    /** Ends the context: later use is an error. */
    public void close() {
        closed = true;
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public String key() {
        return key.canonical();
    }

    @Override
    public String toString() {
        return "CachingContext{" + key.canonical() + '}';
    }
}
