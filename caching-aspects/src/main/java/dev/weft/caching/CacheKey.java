package dev.weft.caching;

/**
 * Implemented by a type that formats its own part of a cache key.
 *
 * <p>As an argument type, {@link #toCacheKey()} replaces the built-in formatting. As the class of a cached method's
 * target instance, it puts the instance into the key ({@code com.acme.Repo[tenant-7].find(42)}), so that two
 * instances do not share entries.
 *
 * <p>The result must be identical in every JVM for equal values (never rely on identity hash codes) and should be
 * short. It must not change while the object is used as a key.
 */
public interface CacheKey {

    /** Returns this object's deterministic key text. */
    String toCacheKey();
}
