package dev.weft.caching.redis.backend.serialization;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the times a {@link Gadget} was initialized or built. */
public final class Tripwire {

    static final AtomicInteger TRIPS = new AtomicInteger();

    private Tripwire() {
    }

    public static int tripped() {
        return TRIPS.get();
    }
}
