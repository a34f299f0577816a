package dev.weft.caching.internal.method;

/** Why a caller got an expired value: each is counted and logged (at most once per method per minute). */
enum StaleReason {
    /** Auto-reload: the entry expired and one background reload runs. */
    AUTO_RELOAD,
    /** The reload failed (threw, or its future failed). */
    FAIL_SAFE,
    /** The reload was slower than the soft timeout; it finishes in the background. */
    SOFT_TIMEOUT
}
