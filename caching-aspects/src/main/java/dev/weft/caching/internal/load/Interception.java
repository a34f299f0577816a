package dev.weft.caching.internal.load;

import dev.weft.caching.internal.key.MethodKey;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code CachingServices.invalidate(...)} or {@code refresh(...)} in progress on one thread: cached calls made by
 * its lambda are intercepted instead of being served normally. Thread-confined.
 */
public final class Interception {

    /** What the intercepted call does. */
    public enum Kind {
        /** Remove the entry and return a dummy value without running the body. */
        INVALIDATE,
        /** Run the body and store its result whatever is cached. */
        REFRESH
    }

    private final Kind kind;
    private final List<String> intercepted = new ArrayList<>(1);

    public Interception(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public void record(MethodKey key) {
        intercepted.add(key.canonical());
    }

    /** Canonical keys of the calls intercepted so far. */
    public List<String> intercepted() {
        return intercepted;
    }
}
