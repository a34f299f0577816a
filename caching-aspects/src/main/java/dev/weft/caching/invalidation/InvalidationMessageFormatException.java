package dev.weft.caching.invalidation;

/** Raised by {@link InvalidationMessage#decode} for bytes that are not a message this reader accepts. */
public final class InvalidationMessageFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the message was rejected. */
    public enum Kind {
        /** Not a valid message: counted and ignored (a lost message shows up as a sequence gap). */
        MALFORMED,
        /** A Weft message of a format version this reader does not know: the receiver clears its cache. */
        UNKNOWN_VERSION
    }

    private final Kind kind;

    public InvalidationMessageFormatException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
