package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.load.Frame;

/**
 * A reload running on a background thread (auto-reload, eager refresh, a soft timeout): the method is called again
 * reflectively, and the first cached call of that method and key on this thread becomes the owner of {@link #flight},
 * which a caller registered for it before, instead of looking at the cache.
 */
final class BackgroundLoad extends Frame {

    final CachedMethod method;
    final Flight flight;
    final CachingBackend backend;
    private boolean taken;

    BackgroundLoad(Frame parent, CachedMethod method, Flight flight, CachingBackend backend) {
        super(parent);
        this.method = method;
        this.flight = flight;
        this.backend = backend;
    }

    /** Whether this call is the one the reload was started for; true once. */
    boolean take(CachedMethod m, ItemKey key) {
        if (taken || m != method || !key.equals(flight.key)) {
            return false;
        }
        taken = true;
        return true;
    }

    /** Whether a call took the flight. */
    boolean taken() {
        return taken;
    }
}
