package dev.weft.caching.invalidation;

/**
 * What the local cache does while the transport is down, when invalidations from other instances cannot arrive.
 * Whatever the choice, the local cache is cleared on every (re)subscription, before it serves again.
 */
public enum WhileDisconnected {
    /**
     * Keep serving local entries, for at most the options' {@code maxStalenessWhileDisconnected} counted from the last
     * message received (a transport that notices an outage late does not stretch the bound); past that, bypass the
     * cache until the transport is back. The default: a short outage costs nothing. While another instance has fallen
     * silent, the cache is cleared every half bound instead, so that no entry older than that is served.
     */
    SERVE_LOCAL,
    /**
     * Bypass the cache at once: every call runs its method, nothing is stored. Also while another instance has fallen
     * silent (until it is heard again or forgotten).
     */
    BYPASS_CACHE
}
