package dev.weft.caching.internal.load;

import dev.weft.caching.backend.ItemKey;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code CachingServices.invalidate(...)} or {@code refresh(...)} in progress on one thread: the cached calls its
 * lambda makes are intercepted instead of being served normally. A refreshed call's own body runs above this frame,
 * so the cached calls inside that body are not intercepted.
 */
public final class Interception extends Frame {

    /** What the intercepted call does. */
    public enum Kind {
        /** Remove the entry and return a dummy value without running the body. */
        INVALIDATE,
        /** Run the body and store its result whatever is cached. */
        REFRESH
    }

    private final Kind kind;
    private final List<String> intercepted = new ArrayList<>(1);

    Interception(Frame parent, Kind kind) {
        super(parent);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public void record(ItemKey key) {
        intercepted.add(key.canonical());
    }

    /** Canonical keys of the calls intercepted so far. */
    public List<String> intercepted() {
        return intercepted;
    }
}
