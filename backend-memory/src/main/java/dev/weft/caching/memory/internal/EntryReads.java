package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemRead;

/** What the backend asks of an entry about time, whatever its class. */
public final class EntryReads {

    private EntryReads() {
    }

    /** How fresh {@code e} is at {@code now}, or {@code null} when it is gone (expired and past any fail-safe). */
    public static ItemRead.State stateAt(Entry e, long now) {
        return e.stateAt(now);
    }

    /** Whether {@code e} expired and its fail-safe period, if any, is over at {@code now}. */
    public static boolean isGoneAt(Entry e, long now) {
        return e.isGoneAt(now);
    }
}
