package dev.weft.caching;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * After the annotated method returns normally, removes cache entries of the named {@link Cached} methods. A method
 * that throws invalidates nothing; a method that returns a {@code CompletionStage} invalidates when that stage
 * completes normally.
 *
 * <p>Matching: each named cached method's key parameters are matched, by name and type, to this method's
 * parameters, so {@code @InvalidateCache("getProduct") void rename(long id, String name)} removes the entry of
 * {@code getProduct(long id)} for the same {@code id}. When a name has several {@code @Cached} overloads, every
 * overload whose key parameters all match is invalidated; a name with no matching overload is an error, raised on
 * first use with the method and the missing parameters named. Parameter names require compiling with
 * {@code -parameters}.
 *
 * <p>When the cached method's class implements {@link CacheKey}, the key uses this method's target instance, so the
 * invalidating method must be declared in that class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface InvalidateCache {

    /** Names of the {@link Cached} methods to invalidate, declared in {@link #type()}. */
    String[] value();

    /** The class declaring the cached methods; {@code void.class}, the default, means this method's class. */
    Class<?> type() default void.class;

    /**
     * Dependency keys to invalidate, as templates whose {@code {param}} placeholders take the value of the named
     * parameter of this method, e.g. {@code "product:{id}"}.
     */
    String[] dependencies() default {};
}
