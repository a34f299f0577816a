package dev.weft.caching;

import dev.weft.caching.internal.load.CallStack;

/**
 * The cached call whose body is running on the current thread, seen from inside that body.
 *
 * <pre>{@code
 * @Cached
 * public Page getPage(int n) {
 *     List<Product> products = dao.query(n);
 *     products.forEach(p -> CachingContext.current().addDependency("product:" + p.id()));
 *     return new Page(products);
 * }
 * }</pre>
 *
 * <p>Outside a cached body (or inside {@link CachingServices#suspendDependencyPropagation()}) {@link #current()}
 * returns an inactive context whose {@link #addDependency} does nothing, so code can call it whether or not it runs
 * under a cache. A context belongs to its thread and to its body: {@link #addDependency} from another thread (for
 * example inside an asynchronous task started by the body), or after the body returned, throws
 * {@link IllegalStateException} instead of racing with the body.
 */
public interface CachingContext {

    /** Returns the context of the innermost cached call running on this thread, or an inactive one. */
    static CachingContext current() {
        return CallStack.currentContext();
    }

    /**
     * Adds dependency keys to the item the running call will store; invalidating any of them removes it.
     *
     * @throws IllegalStateException when called from another thread than the body's, or after the body returned
     */
    void addDependency(String... dependencies);

    /** Whether a cached call is running on this thread (false for the inactive context). */
    boolean isActive();

    /** The canonical key of the running call, or {@code null} for the inactive context. */
    String key();
}
