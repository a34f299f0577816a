package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.PropagationSuspension;
import dev.weft.caching.memory.MemoryCachingBackend;

/**
 * Exercises every per-thread state Weft keeps (a cached body, a nested call, the caching context, an imperative
 * invalidation and refresh, a suspension of dependency propagation), for {@link ClassLoaderLeakTest}, which loads it in
 * a class loader of its own.
 */
public final class LeakProbe {

    @Cached(dependsOn = "probe:{id}")
    String inner(int id) {
        CachingContext.current().addDependency("extra:" + id);
        return "inner " + id;
    }

    @Cached
    String outer(int id) {
        try (PropagationSuspension s = CachingServices.suspendDependencyPropagation()) {
            inner(id + 100);
        }
        return "outer " + inner(id);
    }

    /** Runs every kind of cached call once, then closes its backend. */
    public static String run() {
        MemoryCachingBackend backend = MemoryCachingBackend.builder().executor(Runnable::run).build();
        CachingServices.setDefaultBackend(backend);
        LeakProbe p = new LeakProbe();
        String a = p.outer(1);
        String b = p.outer(1);
        CachingServices.invalidate(() -> p.inner(1));
        CachingServices.refresh(() -> p.outer(2));
        CachingServices.invalidateDependency("probe:2");
        CachingServices.resetDefaultBackend(backend);
        backend.close();
        return a + "/" + b;
    }
}
