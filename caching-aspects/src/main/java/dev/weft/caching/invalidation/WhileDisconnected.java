package dev.weft.caching.invalidation;

/**
 * What the local cache does while the transport is down, when invalidations from other instances cannot arrive.
 * Whatever the choice, the local cache is cleared on every (re)subscription, before it serves again.
 */
public enum WhileDisconnected {
    /**
     * Keep serving local entries, for at most the options' {@code maxStalenessWhileDisconnected}; past that, bypass
     * the cache until the transport is back. The default: a short outage costs nothing.
     */
    SERVE_LOCAL,
    /** Bypass the cache at once: every call runs its method, nothing is stored. */
    BYPASS_CACHE
}
