package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemRead;

import java.util.Set;

/**
 * An entry with an absolute expiration and nothing that moves it: no sliding expiration, no eager refresh (a
 * fail-safe period is allowed: it only extends how long the load path may read the entry). Its expiration is the hit
 * deadline, fixed at the store, so it needs no field of its own beyond the shared {@link Expiration}: 40 bytes with
 * compressed references where a {@link TimedEntry} takes 64. Most cached methods are of this kind
 * ({@code @Cached(absoluteExpiration = ...)}); with 200,000 entries this took Weft's retained heap per entry from
 * 189 B to 165 B, the reference's 164 B (issue 19's {@code EntryFootprint}).
 */
final class AbsoluteEntry extends Entry {

    private final Expiration expiration;

    AbsoluteEntry(Object value, Set<String> dependencies, Expiration e, long now) {
        super(value, dependencies);
        this.expiration = e;
        this.hitDeadline = TimedEntry.add(now, e.absoluteNanos());
    }

    @Override
    public Expiration expiration() {
        return expiration;
    }

    @Override
    ItemRead.State stateAt(long now) {
        long expires = hitDeadline;
        if (!TimedEntry.reached(now, expires)) {
            return ItemRead.State.FRESH;
        }
        long failSafe = expiration.failSafeNanos();
        if (failSafe != Expiration.NONE && !TimedEntry.reached(now, TimedEntry.add(expires, failSafe))) {
            return ItemRead.State.STALE;
        }
        return null;
    }

    @Override
    boolean isGoneAt(long now) {
        long failSafe = expiration.failSafeNanos();
        return TimedEntry.reached(now, failSafe == Expiration.NONE ? hitDeadline
                : TimedEntry.add(hitDeadline, failSafe));
    }
}
