package dev.weft.caching.backend;

import dev.weft.caching.internal.key.KeyResolver;

/**
 * The identity of a cached item.
 *
 * <p>Every key has a canonical form, {@link #canonical()}: a string that is identical in every JVM for equal method
 * arguments. It is what invalidations carry between instances, what logs show, and what
 * {@link CachingBackend#invalidate(String)} matches. Two keys are equal exactly when their canonical forms
 * are; keys made by woven methods compare by their method and arguments, without building that string on a cache
 * hit, and {@link #of(String)} turns a canonical form back into such a key.
 *
 * <p>Keys are immutable and thread-safe.
 */
public abstract class ItemKey {

    /** Subclassed by Weft's internals and by {@link #of(String)}. */
    protected ItemKey() {
    }

    /**
     * Returns the key whose canonical form is {@code canonical}: the same key, equal and with the same hash, that a
     * woven call of that method with those arguments makes in this JVM, so that an invalidation received as text finds
     * the entry. Text that no local method makes gives a key equal only to keys of the same text.
     *
     * @throws IllegalArgumentException if {@code canonical} is {@code null} or empty
     */
    public static ItemKey of(String canonical) {
        return KeyResolver.resolve(canonical);
    }

    /** Returns the canonical form of this key; computed once, then remembered. */
    public abstract String canonical();

    @Override
    public String toString() {
        return canonical();
    }
}
