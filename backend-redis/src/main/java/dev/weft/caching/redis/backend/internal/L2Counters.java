package dev.weft.caching.redis.backend.internal;

import java.util.concurrent.atomic.LongAdder;

/** What the Redis level counts. Grows only. */
public final class L2Counters {
    public final LongAdder hits = new LongAdder();
    public final LongAdder misses = new LongAdder();
    public final LongAdder readNanos = new LongAdder();
    public final LongAdder reads = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder writesRefused = new LongAdder();
    public final LongAdder writesHeldBack = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder bypassed = new LongAdder();
    public final LongAdder circuitOpenings = new LongAdder();
    public final LongAdder serializationFailures = new LongAdder();
    public final LongAdder invalidations = new LongAdder();
    public final LongAdder peerWaits = new LongAdder();
    public final LongAdder peerLoadsUsed = new LongAdder();
    public final LongAdder peerWaitTimeouts = new LongAdder();
}
