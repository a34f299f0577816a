package dev.weft.caching.internal.method;

import dev.weft.caching.CachingProfile;

import java.time.Duration;

/** A method's effective settings: its declared ones over its profile's. Immutable; replaced when the profile changes. */
public final class MethodSettings {

    final String profile;
    final boolean enabled;
    final Duration absoluteExpiration;
    final Duration slidingExpiration;
    final boolean autoReload;
    final long loadWaitTimeoutNanos;

    private MethodSettings(String profile, boolean enabled, Duration absoluteExpiration, Duration slidingExpiration,
                           boolean autoReload, long loadWaitTimeoutNanos) {
        this.profile = profile;
        this.enabled = enabled;
        this.absoluteExpiration = absoluteExpiration;
        this.slidingExpiration = slidingExpiration;
        this.autoReload = autoReload;
        this.loadWaitTimeoutNanos = loadWaitTimeoutNanos;
    }

    static MethodSettings resolve(DeclaredSettings declared, CachingProfile profile) {
        return new MethodSettings(profile.name(), profile.enabled(),
                declared.absoluteExpiration != null ? declared.absoluteExpiration : profile.absoluteExpiration(),
                declared.slidingExpiration != null ? declared.slidingExpiration : profile.slidingExpiration(),
                declared.autoReload || profile.autoReload(),
                saturatedNanos(profile.loadWaitTimeout()));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    public String profile() {
        return profile;
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration absoluteExpiration() {
        return absoluteExpiration;
    }

    public Duration slidingExpiration() {
        return slidingExpiration;
    }

    public boolean autoReload() {
        return autoReload;
    }

    /** How long a caller waits for another caller's load of the same key, in nanoseconds (saturated). */
    public long loadWaitTimeoutNanos() {
        return loadWaitTimeoutNanos;
    }

    @Override
    public String toString() {
        return "MethodSettings{profile=" + profile + ", enabled=" + enabled + ", absoluteExpiration="
                + absoluteExpiration + ", slidingExpiration=" + slidingExpiration + ", autoReload=" + autoReload + '}';
    }
}
