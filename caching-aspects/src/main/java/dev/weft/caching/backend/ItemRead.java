package dev.weft.caching.backend;

import java.util.Objects;

/**
 * What the load path reads for a key ({@link CachingBackend#read}): a stored item and whether it is still fresh,
 * due for an eager refresh, or expired but inside its fail-safe period. Never an item that an invalidation removed.
 */
public final class ItemRead {

    /** How fresh the item is. */
    public enum State {
        /** Not expired: serve it. */
        FRESH,
        /**
         * Not expired, and past its refresh point: serve it, and reload it in the background. A backend answers this
         * to one reader per refresh point, then {@link #FRESH} until it has given the reload some time.
         */
        REFRESH,
        /**
         * Expired, but inside its fail-safe period: the load path may return it only when a reload fails or is slow,
         * and only while the backend still holds it.
         */
        STALE
    }

    private final CacheItem item;
    private final State state;

    private ItemRead(CacheItem item, State state) {
        this.item = Objects.requireNonNull(item, "item");
        this.state = Objects.requireNonNull(state, "state");
    }

    /** A read of {@code item} in {@code state}. */
    public static ItemRead of(CacheItem item, State state) {
        return new ItemRead(item, state);
    }

    /** The item read. */
    public CacheItem item() {
        return item;
    }

    /** How fresh it was when read. */
    public State state() {
        return state;
    }

    @Override
    public String toString() {
        return "ItemRead{" + state + ", " + item + '}';
    }
}
