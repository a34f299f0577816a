package dev.weft.caching;

import java.time.Duration;
import java.util.Objects;

/**
 * Run-time caching settings shared by the {@link Cached} methods that name the profile. Settings given on the
 * annotations win over the profile's.
 *
 * <p>The profile named {@value #DEFAULT_NAME} always exists and applies to methods that name none. Any other profile
 * must be registered with {@link CachingServices#setProfile(CachingProfile)} before its first method runs; a method
 * naming an unknown profile fails on first use. Replacing a profile applies to items stored afterwards.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(String)}.
 */
public final class CachingProfile {

    /** Name of the profile used by methods that name none. */
    public static final String DEFAULT_NAME = "default";

    /** How long a caller waits for a concurrent load of the same key before running the method itself, by default. */
    public static final Duration DEFAULT_LOAD_WAIT_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Duration absoluteExpiration;
    private final Duration slidingExpiration;
    private final boolean enabled;
    private final boolean autoReload;
    private final Duration loadWaitTimeout;
    private final Duration failSafe;
    private final Duration softTimeout;
    private final double eagerRefresh;

    private CachingProfile(Builder b) {
        this.name = b.name;
        this.absoluteExpiration = b.absoluteExpiration;
        this.slidingExpiration = b.slidingExpiration;
        this.enabled = b.enabled;
        this.autoReload = b.autoReload;
        this.loadWaitTimeout = b.loadWaitTimeout;
        this.failSafe = b.failSafe;
        this.softTimeout = b.softTimeout;
        this.eagerRefresh = b.eagerRefresh;
    }

    /** Starts a profile with the given name and default settings (no expiration, enabled, no auto-reload). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this profile's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.absoluteExpiration = absoluteExpiration;
        b.slidingExpiration = slidingExpiration;
        b.enabled = enabled;
        b.autoReload = autoReload;
        b.loadWaitTimeout = loadWaitTimeout;
        b.failSafe = failSafe;
        b.softTimeout = softTimeout;
        b.eagerRefresh = eagerRefresh;
        return b;
    }

    /** The profile's name. */
    public String name() {
        return name;
    }

    /** Absolute expiration of items, or {@link Duration#ZERO} for none. */
    public Duration absoluteExpiration() {
        return absoluteExpiration;
    }

    /** Sliding expiration of items, or {@link Duration#ZERO} for none. */
    public Duration slidingExpiration() {
        return slidingExpiration;
    }

    /** Whether the methods of this profile use the cache at all; when false they run their body on every call. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether expired items are reloaded in the background while the expired value is still returned. */
    public boolean autoReload() {
        return autoReload;
    }

    /** How long past its expiration an item may still be returned when its reload fails or is slow; zero: off. */
    public Duration failSafe() {
        return failSafe;
    }

    /** How long a caller waits for a reload when a fail-safe value exists; zero: as long as the reload takes. */
    public Duration softTimeout() {
        return softTimeout;
    }

    /** The fraction of the absolute expiration after which a hit starts a background reload; zero: off. */
    public double eagerRefresh() {
        return eagerRefresh;
    }

    /** How long a caller waits for another thread's load of the same key before running the method uncached. */
    public Duration loadWaitTimeout() {
        return loadWaitTimeout;
    }

    @Override
    public String toString() {
        return "CachingProfile{name=" + name + ", absoluteExpiration=" + absoluteExpiration + ", slidingExpiration="
                + slidingExpiration + ", enabled=" + enabled + ", autoReload=" + autoReload + ", loadWaitTimeout="
                + loadWaitTimeout + ", failSafe=" + failSafe + ", softTimeout=" + softTimeout + ", eagerRefresh="
                + eagerRefresh + '}';
    }

    /** Builds a {@link CachingProfile}; each setter validates its argument at once. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private Duration absoluteExpiration = Duration.ZERO;
        private Duration slidingExpiration = Duration.ZERO;
        private boolean enabled = true;
        private boolean autoReload;
        private Duration loadWaitTimeout = DEFAULT_LOAD_WAIT_TIMEOUT;
        private Duration failSafe = Duration.ZERO;
        private Duration softTimeout = Duration.ZERO;
        private double eagerRefresh;

        private Builder(String name) {
            Objects.requireNonNull(name, "profile name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a profile name must not be blank");
            }
            this.name = name;
        }

        /** Items expire this long after they were stored; {@link Duration#ZERO} means never. */
        public Builder absoluteExpiration(Duration d) {
            this.absoluteExpiration = nonNegative(d, "absoluteExpiration");
            return this;
        }

        /** Items expire when not read for this long; {@link Duration#ZERO} means never. */
        public Builder slidingExpiration(Duration d) {
            this.slidingExpiration = nonNegative(d, "slidingExpiration");
            return this;
        }

        /** Whether caching is on for this profile (default true). */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Whether expired items keep being returned while one background reload runs (default false), for at most the
         * fail-safe period past their expiration, or one expiration period when no fail-safe is set. After an
         * invalidation callers wait for the new value.
         */
        public Builder autoReload(boolean autoReload) {
            this.autoReload = autoReload;
            return this;
        }

        /**
         * How long a caller waits for a concurrent load of the same key before running the method itself, without
         * storing the result (default 30 s). Must be positive.
         */
        public Builder loadWaitTimeout(Duration d) {
            Objects.requireNonNull(d, "loadWaitTimeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("profile '" + name + "': loadWaitTimeout must be positive, got " + d);
            }
            this.loadWaitTimeout = d;
            return this;
        }

        /**
         * How long past its expiration an item may still be returned when its reload throws or is slower than the
         * soft timeout; never after an invalidation. {@link Duration#ZERO} (the default) turns it off.
         */
        public Builder failSafe(Duration d) {
            this.failSafe = nonNegative(d, "failSafe");
            return this;
        }

        /**
         * How long a caller waits for a reload when a fail-safe value exists; then it gets that value and the reload
         * finishes in the background. {@link Duration#ZERO} (the default) turns it off.
         */
        public Builder softTimeout(Duration d) {
            this.softTimeout = nonNegative(d, "softTimeout");
            return this;
        }

        /**
         * After this fraction of the absolute expiration, the next hit starts one background reload while callers
         * keep the current value; 0 (the default) turns it off.
         *
         * @throws IllegalArgumentException unless {@code 0 <= fraction < 1}
         */
        public Builder eagerRefresh(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("profile '" + name + "': eagerRefresh must be a fraction of the "
                        + "absolute expiration, at least 0 and below 1, got " + fraction);
            }
            this.eagerRefresh = fraction;
            return this;
        }

        private Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException("profile '" + name + "': " + what + " must not be negative, got " + d);
            }
            return d;
        }

        /** Returns the immutable profile. */
        public CachingProfile build() {
            return new CachingProfile(this);
        }
    }
}
