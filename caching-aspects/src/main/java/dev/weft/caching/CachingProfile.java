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

    private CachingProfile(Builder b) {
        this.name = b.name;
        this.absoluteExpiration = b.absoluteExpiration;
        this.slidingExpiration = b.slidingExpiration;
        this.enabled = b.enabled;
        this.autoReload = b.autoReload;
        this.loadWaitTimeout = b.loadWaitTimeout;
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

    /** Whether expired or invalidated items are reloaded in the background. */
    public boolean autoReload() {
        return autoReload;
    }

    /** How long a caller waits for another thread's load of the same key before running the method uncached. */
    public Duration loadWaitTimeout() {
        return loadWaitTimeout;
    }

    @Override
    public String toString() {
        return "CachingProfile{name=" + name + ", absoluteExpiration=" + absoluteExpiration + ", slidingExpiration="
                + slidingExpiration + ", enabled=" + enabled + ", autoReload=" + autoReload + ", loadWaitTimeout="
                + loadWaitTimeout + '}';
    }

    /** Builds a {@link CachingProfile}; each setter validates its argument at once. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private Duration absoluteExpiration = Duration.ZERO;
        private Duration slidingExpiration = Duration.ZERO;
        private boolean enabled = true;
        private boolean autoReload;
        private Duration loadWaitTimeout = DEFAULT_LOAD_WAIT_TIMEOUT;

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

        /** Whether items are reloaded in the background when they expire or are invalidated (default false). */
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
