package dev.weft.caching.backend;

/**
 * The identity of a cached item.
 *
 * <p>Every key has a canonical form, {@link #canonical()}: a string that is identical in every JVM for equal method
 * arguments. It is what invalidations carry between instances, what logs show, and what
 * {@link CachingBackend#invalidate(String)} matches. Keys made by woven methods compare by their method and
 * arguments, without building that string on a cache hit; two such keys are equal exactly when their canonical forms
 * are (up to argument formatters that map unequal values to the same text, which a backend must tolerate by letting
 * the newest item win).
 *
 * <p>Keys are immutable and thread-safe.
 */
public abstract class ItemKey {

    /** Subclassed by Weft's internals and by {@link #of(String)}. */
    protected ItemKey() {
    }

    /**
     * Returns a key given only by its canonical form. Such keys are equal to each other when their strings are, and
     * never equal to the keys of woven methods; backends, tools and tests use them.
     */
    public static ItemKey of(String canonical) {
        return new StringItemKey(canonical);
    }

    /** Returns the canonical form of this key; computed once, then remembered. */
    public abstract String canonical();

    @Override
    public String toString() {
        return canonical();
    }

    private static final class StringItemKey extends ItemKey {
        private final String canonical;

        StringItemKey(String canonical) {
            if (canonical == null || canonical.isEmpty()) {
                throw new IllegalArgumentException("a cache key must be a non-empty string, got " +
                        (canonical == null ? "null" : "\"\""));
            }
            this.canonical = canonical;
        }

        @Override
        public String canonical() {
            return canonical;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StringItemKey && ((StringItemKey) o).canonical.equals(canonical);
        }

        @Override
        public int hashCode() {
            return canonical.hashCode();
        }
    }
}
