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

        /** Built by Weft; applications read it. */
        public Counters(long hits, long misses, long loads, long loadFailures, long loadNanos, long waits,
                        long waitTimeouts, long staleWriteBacksPrevented, long uncachedCalls, long staleServed,
                        long invalidations) {
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

        /** Joined loads that took longer than the profile's wait timeout; the caller then ran the body uncached. */
        public long waitTimeouts() {
            return waitTimeouts;
        }

        /** Loads whose result was not stored because an invalidation reached the cache while they ran. */
        public long staleWriteBacksPrevented() {
            return staleWriteBacksPrevented;
        }

        /** Calls that ran the body without the cache: caching off, recursion, wait timeouts. */
        public long uncachedCalls() {
            return uncachedCalls;
        }

        /** Auto-reload calls answered with the previous value while a background reload ran. */
        public long staleServed() {
            return staleServed;
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
                    staleServed + o.staleServed, invalidations + o.invalidations);
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
                    staleServed - o.staleServed, invalidations - o.invalidations);
        }

        /** All zero. */
        public static Counters zero() {
            return new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public String toString() {
            return "Counters{hits=" + hits + ", misses=" + misses + ", loads=" + loads + ", loadFailures="
                    + loadFailures + ", loadTime=" + loadTime() + ", waits=" + waits + ", waitTimeouts="
                    + waitTimeouts + ", staleWriteBacksPrevented=" + staleWriteBacksPrevented + ", uncachedCalls="
                    + uncachedCalls + ", staleServed=" + staleServed + ", invalidations=" + invalidations + '}';
        }
    }
}
