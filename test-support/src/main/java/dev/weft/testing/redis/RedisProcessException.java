package dev.weft.testing.redis;

/**
 * A redis-server or sentinel process could not be started, stopped or queried. The message says which binary,
 * port, config and log file were involved and ends with the last lines of the process' log.
 */
public class RedisProcessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message that already includes the diagnostics. */
    public RedisProcessException(String message) {
        super(message);
    }

    /** With a message that already includes the diagnostics, and its cause. */
    public RedisProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
