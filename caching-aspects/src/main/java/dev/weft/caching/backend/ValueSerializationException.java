package dev.weft.caching.backend;

/**
 * A {@link ValueSerializer} could not write a value, or could not or would not read bytes (malformed, or naming a
 * class the application did not allow). Backends catch it: the value is then not shared, and the caller is not
 * affected.
 */
public class ValueSerializationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message that names the value's or the bytes' class when it is known. */
    public ValueSerializationException(String message) {
        super(message);
    }

    /** With a message and the serializer's own exception. */
    public ValueSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
