package dev.weft.caching;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of Weft's counters in this instance, per cached method and per profile, from
 * {@link CachingServices#statistics()}. Counters only grow; compare two snapshots for rates. Immutable.
 */
public final class CachingStatistics {

    private final Map<String, Counters> methods;
    private final Map<String, Counters> profiles;
    private final Counters total;

    /** Built by Weft; applications read it. */
    public CachingStatistics(Map<String, Counters> methods, Map<String, Counters> profiles, Counters total) {
        this.methods = Collections.unmodifiableMap(methods);
        this.profiles = Collections.unmodifiableMap(profiles);
        this.total = total;
    }

    /** Counters per cached method used so far, keyed by the method as messages name it. */
    public Map<String, Counters> methods() {
        return methods;
    }

    /** Counters per profile, summed over its methods. */
    public Map<String, Counters> profiles() {
        return profiles;
    }

    /** Counters summed over every method. */
    public Counters total() {
        return total;
    }

    @Override
    public String toString() {
        return "CachingStatistics{total=" + total + ", methods=" + methods.size() + '}';
    }

    /** The counters of one method, or of a sum of methods. */
    public static final class Counters {
        private final long hits;
        private final long misses;
        private final long loads;
        private final long loadFailures;
        private final long loadNanos;
        private final long waits;
        private final long waitTimeouts;
        private final long staleWriteBacksPrevented;
        private final long uncachedCalls;
        private final long staleServed;
        private final long invalidations;
        private final long failSafeActivations;
        private final long softTimeouts;
        private final long backgroundLoads;

        /** Built by Weft; applications read it. */
        public Counters(long hits, long misses, long loads, long loadFailures, long loadNanos, long waits,
                        long waitTimeouts, long staleWriteBacksPrevented, long uncachedCalls, long staleServed,
                        long invalidations, long failSafeActivations, long softTimeouts, long backgroundLoads) {
            this.hits = hits;
            this.misses = misses;
            this.loads = loads;
            this.loadFailures = loadFailures;
            this.loadNanos = loadNanos;
            this.waits = waits;
            this.waitTimeouts = waitTimeouts;
            this.staleWriteBacksPrevented = staleWriteBacksPrevented;
            this.uncachedCalls = uncachedCalls;
            this.staleServed = staleServed;
            this.invalidations = invalidations;
            this.failSafeActivations = failSafeActivations;
            this.softTimeouts = softTimeouts;
            this.backgroundLoads = backgroundLoads;
        }

        /** Calls answered from the cache. */
        public long hits() {
            return hits;
        }

        /** Calls that found nothing and ran the method body to load the value. */
        public long misses() {
            return misses;
        }

        /** Loads that completed (stored or not). */
        public long loads() {
            return loads;
        }

        /** Loads whose body threw (or whose future failed): nothing was cached. */
        public long loadFailures() {
            return loadFailures;
        }

        /** Total time spent in loads. */
        public Duration loadTime() {
            return Duration.ofNanos(loadNanos);
        }

        /** Calls that joined another thread's load of the same key instead of running the body (single flight). */
        public long waits() {
            return waits;
        }

        /**
         * Loads that outlasted the profile's wait timeout and were taken over by a waiting caller (whose own load then
         * replaced them), or, for callers that could not take over, ran the body uncached.
         */
        public long waitTimeouts() {
            return waitTimeouts;
        }

        /** Loads whose result was not stored because an invalidation reached the cache while they ran. */
        public long staleWriteBacksPrevented() {
            return staleWriteBacksPrevented;
        }

        /** Calls that ran the body without the cache: caching off, recursion, a stale read inside the body. */
        public long uncachedCalls() {
            return uncachedCalls;
        }

        /**
         * Calls answered with an expired value (never an invalidated one): by auto-reload while it reloads, by
         * fail-safe when the reload failed, by a soft timeout when the reload was slow.
         */
        public long staleServed() {
            return staleServed;
        }

        /** Reloads that failed (threw, or their future failed) while an expired value could be returned instead. */
        public long failSafeActivations() {
            return failSafeActivations;
        }

        /** Calls that stopped waiting for a slow reload after the soft timeout and got the expired value. */
        public long softTimeouts() {
            return softTimeouts;
        }

        /** Reloads run in the background: auto-reload, eager refresh, and reloads that outlived a soft timeout. */
        public long backgroundLoads() {
            return backgroundLoads;
        }

        /** Invalidations of this method's entries issued in this instance (by key). */
        public long invalidations() {
            return invalidations;
        }

        /**
         * Values stored: loads whose result the backend kept, that is {@link #loads()} less
         * {@link #staleWriteBacksPrevented()}.
         */
        public long stores() {
            return loads - staleWriteBacksPrevented;
        }

        /** hits / (hits + misses), or 0 when there were none. */
        public double hitRatio() {
            long all = hits + misses;
            return all == 0 ? 0 : (double) hits / all;
        }

        /** The sum of two counters. */
        public Counters plus(Counters o) {
            return new Counters(hits + o.hits, misses + o.misses, loads + o.loads, loadFailures + o.loadFailures,
                    loadNanos + o.loadNanos, waits + o.waits, waitTimeouts + o.waitTimeouts,
                    staleWriteBacksPrevented + o.staleWriteBacksPrevented, uncachedCalls + o.uncachedCalls,
                    staleServed + o.staleServed, invalidations + o.invalidations,
                    failSafeActivations + o.failSafeActivations, softTimeouts + o.softTimeouts,
                    backgroundLoads + o.backgroundLoads);
        }

        /**
         * What was counted since {@code earlier}, a snapshot of the same counters taken before this one: counters only
         * grow, so a test or a monitor compares two snapshots instead of resetting anything.
         */
        public Counters minus(Counters earlier) {
            Counters o = Objects.requireNonNull(earlier, "earlier");
            return new Counters(hits - o.hits, misses - o.misses, loads - o.loads, loadFailures - o.loadFailures,
                    loadNanos - o.loadNanos, waits - o.waits, waitTimeouts - o.waitTimeouts,
                    staleWriteBacksPrevented - o.staleWriteBacksPrevented, uncachedCalls - o.uncachedCalls,
                    staleServed - o.staleServed, invalidations - o.invalidations,
                    failSafeActivations - o.failSafeActivations, softTimeouts - o.softTimeouts,
                    backgroundLoads - o.backgroundLoads);
        }

        /** All zero. */
        public static Counters zero() {
            return new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public String toString() {
            return "Counters{hits=" + hits + ", misses=" + misses + ", loads=" + loads + ", loadFailures="
                    + loadFailures + ", loadTime=" + loadTime() + ", waits=" + waits + ", waitTimeouts="
                    + waitTimeouts + ", staleWriteBacksPrevented=" + staleWriteBacksPrevented + ", uncachedCalls="
                    + uncachedCalls + ", staleServed=" + staleServed + ", invalidations=" + invalidations
                    + ", failSafeActivations=" + failSafeActivations + ", softTimeouts=" + softTimeouts
                    + ", backgroundLoads=" + backgroundLoads + '}';
        }
    }
}
