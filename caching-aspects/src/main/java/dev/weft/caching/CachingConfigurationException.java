package dev.weft.caching;

/**
 * Signals a misuse of Weft that no retry can fix: an unparseable duration, an unknown profile, an argument that has
 * no deterministic key, an {@link InvalidateCache} whose parameters match no cached method, a bad option value. The
 * message names the class, the method or option, and the offending value.
 */
public class CachingConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming what is wrong and where. */
    public CachingConfigurationException(String message) {
        super(message);
    }

    /** Creates the exception with a message naming what is wrong and where, and its cause. */
    public CachingConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
