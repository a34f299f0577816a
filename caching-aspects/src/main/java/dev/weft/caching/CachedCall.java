package dev.weft.caching;

/**
 * A call of one {@link Cached} method, written as a lambda for {@link CachingServices#invalidate(CachedCall)} and
 * {@link CachingServices#refresh(CachedCall)}: {@code () -> productService.getProduct(42)}.
 *
 * <p>Evaluate the arguments before the lambda: every cached call made inside it is intercepted.
 *
 * @param <T> the cached method's return type
 */
@FunctionalInterface
public interface CachedCall<T> {

    /** Calls the cached method. */
    T call() throws Exception;
}
