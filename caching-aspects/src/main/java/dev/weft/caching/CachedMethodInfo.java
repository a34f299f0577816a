package dev.weft.caching;

import java.lang.reflect.Method;

/**
 * One {@link Cached} method in use in this JVM: which method it is, the settings in effect for it, and its counters.
 * What monitoring and framework integrations build on (the Micrometer binder and the Spring Boot endpoint do);
 * obtained from {@link CachingServices#cachedMethods()} and {@link CachingServices#addCachedMethodListener}.
 *
 * <p>A method is known from its first call (or from the first invalidation that names it) until the JVM exits; there is
 * one instance per method, so instances can be compared by identity and kept as the state of a meter. Thread-safe:
 * {@link #settings()} and {@link #statistics()} read the current values at each call and cost a few field reads and
 * sums, not nothing: read them when a registry polls, not on every business call.
 *
 * <p>Implemented by Weft only; applications call it and do not implement it (methods may be added in a minor
 * version).
 */
public interface CachedMethodInfo {

    /** The annotated method. */
    Method method();

    /**
     * The method as statistics, logs and error messages name it, for example
     * {@code com.acme.ProductService.getProduct(long id)}; the key of this method in
     * {@link CachingStatistics#methods()}.
     */
    String name();

    /**
     * The settings in effect for this method now, as a profile: its {@link CachingProfile#name() name} is the profile
     * the method uses, and each value is the method's own where {@link Cached} or {@link CachingConfiguration} sets
     * it, else the profile's. Replacing the profile with {@link CachingServices#setProfile} changes what later calls
     * return.
     */
    CachingProfile settings();

    /** A snapshot of this method's counters now. */
    CachingStatistics.Counters statistics();
}
