package dev.weft.caching;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Excludes a parameter of a {@link Cached} method from the cache key: calls that differ only in this argument share
 * one cache entry. Typical uses are loggers, cancellation tokens and connections.
 *
 * <p>A parameter excluded from the key cannot appear in a {@link Cached#dependsOn()} template, and an
 * {@link InvalidateCache} method need not supply it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface NotCacheKey {
}
