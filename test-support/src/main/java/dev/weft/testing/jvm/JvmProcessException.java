package dev.weft.testing.jvm;

/**
 * A child JVM did not do what the parent expected: it died, did not print the expected line in time, answered a
 * request with an error, or could not be started. The message names the child, says whether it still runs (or its
 * exit code), what the parent waited for, and ends with the child's recent stdout and the tail of its stderr.
 */
public class JvmProcessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message that already includes the diagnostics. */
    public JvmProcessException(String message) {
        super(message);
    }

    /** With a message that already includes the diagnostics, and its cause. */
    public JvmProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
