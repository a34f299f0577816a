package dev.weft.caching.testing;

/** A record Weft's key formatting can reach only by making its accessors accessible: private, in another package. */
public final class HiddenRecord {

    private record Box(long id, String label) {
    }

    private HiddenRecord() {
    }

    /** An instance of the private record {@code Box}. */
    public static Object box(long id, String label) {
        return new Box(id, label);
    }
}
