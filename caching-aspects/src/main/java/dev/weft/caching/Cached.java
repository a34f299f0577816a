package dev.weft.caching;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the result of a method: a call whose arguments were seen before returns the stored result without running
 * the method body.
 *
 * <p>The cache key is the method's canonical key, {@code <declaring class binary name>.<method>(<arg>,<arg>)}, built
 * from every parameter not marked {@link NotCacheKey} (see {@link CacheKey} and
 * {@link CachingServices#registerKeyFormatter}). The target instance is not part of the key unless its class
 * implements {@link CacheKey}.
 *
 * <p>What is cached: the returned value, including {@code null} and {@code Optional.empty()}. A method that throws
 * caches nothing. A method returning {@code CompletableFuture}/{@code CompletionStage} caches the completed value.
 *
 * <p>Settings resolve in this order: an attribute set on this annotation, then {@link CachingConfiguration} on the
 * declaring class, then on its enclosing classes, then the run-time {@link CachingProfile} named by {@link #profile()}.
 * A setting left empty here is inherited.
 *
 * <p>The annotation takes effect only on woven code: compile the class with {@code aspectj-maven-plugin} and
 * {@code weft-caching-aspects} as an aspect library, or run with the AspectJ load-time weaver. Using it on a
 * {@code void} method is a weave-time error.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {

    /** Name of the {@link CachingProfile} that supplies the settings not given here; empty means inherited. */
    String profile() default "";

    /**
     * Time after which an entry expires whatever its use, e.g. {@code "30s"}, {@code "10m"}, {@code "1h30m"} or an
     * ISO-8601 duration such as {@code "PT1H"}. Empty means inherited; {@code "0"} or {@code "none"} means never.
     */
    String absoluteExpiration() default "";

    /**
     * Time after which an entry expires when it has not been read, in the format of {@link #absoluteExpiration()}.
     * Empty means inherited.
     */
    String slidingExpiration() default "";

    /**
     * Dependency keys the cached entry carries, as templates whose {@code {param}} placeholders take the value of the
     * named key parameter, e.g. {@code "product:{id}"}. Invalidating a dependency (with
     * {@link CachingServices#invalidateDependency} or {@link InvalidateCache#dependencies()}) removes every entry
     * that carries it, in this instance and, through an invalidator, in every instance.
     */
    String[] dependsOn() default {};

    /**
     * How long past its expiration an entry may still be returned when its reload throws, or is slower than
     * {@link #softTimeout()}: {@code "1h"}, in the format of {@link #absoluteExpiration()}. Never after an
     * invalidation: an invalidated entry is gone. Empty means inherited; {@code "0"} or {@code "none"} means off.
     */
    String failSafe() default "";

    /**
     * How long a caller waits for a reload when a fail-safe value exists ({@code "200ms"}); then it gets that value
     * and the reload finishes in the background. Needs {@link #failSafe()} (or {@link #autoReload()}). Empty means
     * inherited; {@code "0"} or {@code "none"} means off (the caller waits for the reload).
     */
    String softTimeout() default "";

    /**
     * After this fraction of {@link #absoluteExpiration()} ({@code "80%"} or {@code "0.8"}), the next hit starts one
     * background reload while callers keep the current, unexpired value. Empty means inherited; {@code "0"} or
     * {@code "none"} means off.
     */
    String eagerRefresh() default "";

    /**
     * When true, an entry that expires keeps being returned while one background reload runs, for at most its
     * {@link #failSafe()} period past its expiration (one expiration period when no fail-safe is set). After an
     * invalidation, callers wait for the new value. Auto-reload is on when this, the class or the profile turns it on:
     * a method cannot turn off what its class or profile turned on.
     */
    boolean autoReload() default false;
}
