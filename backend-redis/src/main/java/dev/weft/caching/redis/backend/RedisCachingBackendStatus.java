package dev.weft.caching.redis.backend;

import dev.weft.caching.invalidation.InvalidatorStatus;

import java.time.Instant;

/**
 * A snapshot of a {@link RedisCachingBackend}: whether it uses Redis now, and what it counted since it started.
 * Immutable. Counters only grow. Alert when {@link #health()} stays {@link Health#DEGRADED}; a rising
 * {@link #serializationFailures()} means values of a class the serializer does not allow are being cached.
 */
public final class RedisCachingBackendStatus {

    /** How the backend is doing. */
    public enum Health {
        /** Redis answers, and the local level (if any) hears the other instances' invalidations. */
        UP,
        /**
         * Calls go on without the Redis level (it is unreachable, or invalidations are waiting to reach it), or the
         * local level's sync is down: slower, never failed.
         */
        DEGRADED,
        /** Closed. */
        CLOSED
    }

    private final Health health;
    private final boolean redisAvailable;
    private final Instant redisUnavailableSince;
    private final long hits;
    private final long misses;
    private final long reads;
    private final long readNanos;
    private final long writes;
    private final long writesRefused;
    private final long writesHeldBack;
    private final long errors;
    private final long bypassed;
    private final long circuitOpenings;
    private final long serializationFailures;
    private final long invalidations;
    private final long pendingInvalidations;
    private final long peerWaits;
    private final long peerLoadsUsed;
    private final long peerWaitTimeouts;
    private final InvalidatorStatus localSync;

    RedisCachingBackendStatus(Health health, boolean redisAvailable, Instant redisUnavailableSince, long hits,
                              long misses, long reads, long readNanos, long writes, long writesRefused,
                              long writesHeldBack, long errors, long bypassed, long circuitOpenings,
                              long serializationFailures, long invalidations, long pendingInvalidations,
                              long peerWaits, long peerLoadsUsed, long peerWaitTimeouts, InvalidatorStatus localSync) {
        this.health = health;
        this.redisAvailable = redisAvailable;
        this.redisUnavailableSince = redisUnavailableSince;
        this.hits = hits;
        this.misses = misses;
        this.reads = reads;
        this.readNanos = readNanos;
        this.writes = writes;
        this.writesRefused = writesRefused;
        this.writesHeldBack = writesHeldBack;
        this.errors = errors;
        this.bypassed = bypassed;
        this.circuitOpenings = circuitOpenings;
        this.serializationFailures = serializationFailures;
        this.invalidations = invalidations;
        this.pendingInvalidations = pendingInvalidations;
        this.peerWaits = peerWaits;
        this.peerLoadsUsed = peerLoadsUsed;
        this.peerWaitTimeouts = peerWaitTimeouts;
        this.localSync = localSync;
    }

    public Health health() {
        return health;
    }

    /** Whether calls use Redis now (the circuit is closed). */
    public boolean redisAvailable() {
        return redisAvailable;
    }

    /** Since when calls go on without Redis, or {@code null}. */
    public Instant redisUnavailableSince() {
        return redisUnavailableSince;
    }

    /** Reads from Redis that found a value to serve. */
    public long hits() {
        return hits;
    }

    /** Reads from Redis that found none. */
    public long misses() {
        return misses;
    }

    /** Reads from Redis (hits, misses and failures). */
    public long reads() {
        return reads;
    }

    /** Total time of {@link #reads()}, in nanoseconds, as callers waited for them. */
    public long readNanos() {
        return readNanos;
    }

    /** Values stored in Redis. */
    public long writes() {
        return writes;
    }

    /** Stores refused in Redis because an invalidation, made on any instance, overlapped the load. */
    public long writesRefused() {
        return writesRefused;
    }

    /**
     * Results kept out of Redis (stored locally only): built on a value read from the local level too soon after an
     * invalidation, loaded for longer than the maximum load duration, or not serializable.
     */
    public long writesHeldBack() {
        return writesHeldBack;
    }

    /** Redis commands that failed or timed out. */
    public long errors() {
        return errors;
    }

    /** Calls that did not try Redis because it was unreachable (the circuit was open). */
    public long bypassed() {
        return bypassed;
    }

    /** Times the circuit opened. */
    public long circuitOpenings() {
        return circuitOpenings;
    }

    /** Values that could not be written or read (see the log for the class to allow). */
    public long serializationFailures() {
        return serializationFailures;
    }

    /** Invalidations and clears made through this backend. */
    public long invalidations() {
        return invalidations;
    }

    /** Invalidations that could not reach Redis yet; applied before calls use it again. */
    public long pendingInvalidations() {
        return pendingInvalidations;
    }

    /** Misses that found another instance loading the key, and waited for it. */
    public long peerWaits() {
        return peerWaits;
    }

    /** Of those, the ones answered with the other instance's value. */
    public long peerLoadsUsed() {
        return peerLoadsUsed;
    }

    /** Of those, the ones that stopped waiting at the load wait timeout and ran the method. */
    public long peerWaitTimeouts() {
        return peerWaitTimeouts;
    }

    /** The local level's sync (the Redis invalidator's status), or {@code null} without a local level. */
    public InvalidatorStatus localSync() {
        return localSync;
    }

    @Override
    public String toString() {
        return "RedisCachingBackendStatus{health=" + health + ", redisAvailable=" + redisAvailable + ", hits=" + hits
                + ", misses=" + misses + ", writes=" + writes + ", writesRefused=" + writesRefused
                + ", writesHeldBack=" + writesHeldBack + ", errors=" + errors + ", bypassed=" + bypassed
                + ", circuitOpenings=" + circuitOpenings + ", serializationFailures=" + serializationFailures
                + ", pendingInvalidations=" + pendingInvalidations + ", peerWaits=" + peerWaits
                + ", peerLoadsUsed=" + peerLoadsUsed + (localSync == null ? "" : ", localSync=" + localSync.state())
                + '}';
    }
}
