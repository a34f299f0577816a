package dev.weft.spring.boot.internal;

import dev.weft.caching.internal.method.CachedMethod;
import dev.weft.caching.internal.method.CachedMethods;

import java.util.HashMap;
import java.util.Map;

/**
 * Which profile each cached method uses. {@code CachingStatistics} gives counters per method and per profile but not
 * the link between them, so this reads Weft's method registry, as {@code weft-micrometer} does for its tags: the
 * one place where the starter depends on Weft's internals.
 */
public final class CachedMethodProfiles {

    private CachedMethodProfiles() {
    }

    /** Method (as {@code CachingStatistics.methods()} names it) to profile name, for every method used so far. */
    public static Map<String, String> byMethod() {
        Map<String, String> profiles = new HashMap<>();
        for (CachedMethod m : CachedMethods.all()) {
            profiles.put(m.display(), m.settings().profile());
        }
        return profiles;
    }
}
