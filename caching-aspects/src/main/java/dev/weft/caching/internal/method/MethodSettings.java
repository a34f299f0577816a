package dev.weft.caching.internal.method;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.backend.Expiration;

import java.time.Duration;

/**
 * A method's effective settings: its declared ones over its profile's, and the global switch. Immutable; replaced
 * when the profile or the switch changes. The {@link Expiration} it holds is shared by every item the method stores.
 */
public final class MethodSettings {

    final String profile;
    /** Whether calls use the cache: the profile's switch and the global one. The hit path reads only this. */
    final boolean enabled;
    final Duration absoluteExpiration;
    final Duration slidingExpiration;
    final boolean autoReload;
    final long loadWaitTimeoutNanos;
    /** Fail-safe period; with auto-reload and none set, one expiration period. Zero: off. */
    final Duration failSafe;
    final long softTimeoutNanos;
    final double eagerRefresh;
    /** What items of this method carry. */
    final Expiration expiration;
    /** Whether the load path must read expired and refresh-due items ({@code backend.read}) rather than fresh ones. */
    final boolean readsStale;

    private MethodSettings(String profile, boolean enabled, Duration absoluteExpiration, Duration slidingExpiration,
                           boolean autoReload, long loadWaitTimeoutNanos, Duration failSafe, Duration softTimeout,
                           double eagerRefresh) {
        this.profile = profile;
        this.enabled = enabled;
        this.absoluteExpiration = absoluteExpiration;
        this.slidingExpiration = slidingExpiration;
        this.autoReload = autoReload;
        this.loadWaitTimeoutNanos = loadWaitTimeoutNanos;
        this.failSafe = failSafe;
        this.softTimeoutNanos = saturatedNanos(softTimeout);
        this.eagerRefresh = eagerRefresh;
        Duration refreshAfter = eagerRefresh > 0 ? Duration.ofNanos((long) (absoluteExpiration.toNanos() * eagerRefresh))
                : Duration.ZERO;
        this.expiration = Expiration.of(absoluteExpiration, slidingExpiration, failSafe, refreshAfter);
        this.readsStale = !failSafe.isZero() || eagerRefresh > 0;
    }

    static MethodSettings resolve(DeclaredSettings declared, CachingProfile profile, boolean globallyEnabled,
                                  String display) {
        Duration absolute = declared.absoluteExpiration != null ? declared.absoluteExpiration
                : profile.absoluteExpiration();
        Duration sliding = declared.slidingExpiration != null ? declared.slidingExpiration
                : profile.slidingExpiration();
        boolean autoReload = declared.autoReload || profile.autoReload();
        Duration failSafe = declared.failSafe != null ? declared.failSafe : profile.failSafe();
        Duration softTimeout = declared.softTimeout != null ? declared.softTimeout : profile.softTimeout();
        double eagerRefresh = declared.eagerRefresh != null ? declared.eagerRefresh : profile.eagerRefresh();
        if (eagerRefresh > 0 && absolute.isZero()) {
            throw new CachingConfigurationException(display + ": eagerRefresh is a fraction of the absolute "
                    + "expiration, and the method has none; set absoluteExpiration, or turn eagerRefresh off with "
                    + "\"none\"");
        }
        if (autoReload && failSafe.isZero()) {
            // auto-reload serves the expired value while it reloads: for one more expiration period at most
            failSafe = !absolute.isZero() ? absolute : sliding;
        }
        return new MethodSettings(profile.name(), profile.enabled() && globallyEnabled, absolute, sliding, autoReload,
                saturatedNanos(profile.loadWaitTimeout()), failSafe, softTimeout, eagerRefresh);
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

    public Duration failSafe() {
        return failSafe;
    }

    public Duration softTimeout() {
        return Duration.ofNanos(softTimeoutNanos);
    }

    public double eagerRefresh() {
        return eagerRefresh;
    }

    public Duration loadWaitTimeout() {
        return Duration.ofNanos(loadWaitTimeoutNanos);
    }

    @Override
    public String toString() {
        return "MethodSettings{profile=" + profile + ", enabled=" + enabled + ", absoluteExpiration="
                + absoluteExpiration + ", slidingExpiration=" + slidingExpiration + ", autoReload=" + autoReload
                + ", failSafe=" + failSafe + ", softTimeout=" + softTimeout() + ", eagerRefresh=" + eagerRefresh + '}';
    }
}
