package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfiguration;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;

import java.time.Duration;
import java.util.Locale;

/**
 * The settings a method declares through {@link Cached} and the {@link CachingConfiguration} of its class and
 * enclosing classes, nearest first: for each attribute the first that sets it wins, except {@code autoReload}, which
 * is on when any of them turns it on. {@code null} is left to the profile.
 */
final class DeclaredSettings {

    final String profile;
    final Duration absoluteExpiration;
    final Duration slidingExpiration;
    final Duration failSafe;
    final Duration softTimeout;
    /** {@code null}: inherited; 0: off. */
    final Double eagerRefresh;
    final boolean autoReload;

    private DeclaredSettings(String profile, Duration absoluteExpiration, Duration slidingExpiration,
                             Duration failSafe, Duration softTimeout, Double eagerRefresh, boolean autoReload) {
        this.profile = profile;
        this.absoluteExpiration = absoluteExpiration;
        this.slidingExpiration = slidingExpiration;
        this.failSafe = failSafe;
        this.softTimeout = softTimeout;
        this.eagerRefresh = eagerRefresh;
        this.autoReload = autoReload;
    }

    static DeclaredSettings of(Cached cached, Class<?> declaringClass, String methodDisplay) {
        String profile = cached.profile();
        Duration absolute = parse(cached.absoluteExpiration(), "@Cached(absoluteExpiration)", methodDisplay);
        Duration sliding = parse(cached.slidingExpiration(), "@Cached(slidingExpiration)", methodDisplay);
        Duration failSafe = parse(cached.failSafe(), "@Cached(failSafe)", methodDisplay);
        Duration softTimeout = parse(cached.softTimeout(), "@Cached(softTimeout)", methodDisplay);
        Double eagerRefresh = fraction(cached.eagerRefresh(), "@Cached(eagerRefresh)", methodDisplay);
        boolean autoReload = cached.autoReload();
        for (Class<?> c = declaringClass; c != null; c = c.getEnclosingClass()) {
            CachingConfiguration config = c.getAnnotation(CachingConfiguration.class);
            if (config == null) {
                continue;
            }
            String where = "@CachingConfiguration on " + c.getName();
            if (profile.isEmpty()) {
                profile = config.profile();
            }
            if (absolute == null) {
                absolute = parse(config.absoluteExpiration(), where + " (absoluteExpiration)", methodDisplay);
            }
            if (sliding == null) {
                sliding = parse(config.slidingExpiration(), where + " (slidingExpiration)", methodDisplay);
            }
            if (failSafe == null) {
                failSafe = parse(config.failSafe(), where + " (failSafe)", methodDisplay);
            }
            if (softTimeout == null) {
                softTimeout = parse(config.softTimeout(), where + " (softTimeout)", methodDisplay);
            }
            if (eagerRefresh == null) {
                eagerRefresh = fraction(config.eagerRefresh(), where + " (eagerRefresh)", methodDisplay);
            }
            autoReload |= config.autoReload();
        }
        return new DeclaredSettings(profile.isEmpty() ? CachingProfile.DEFAULT_NAME : profile, absolute, sliding,
                failSafe, softTimeout, eagerRefresh, autoReload);
    }

    private static Duration parse(String text, String attribute, String methodDisplay) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CachingConfigurationException(methodDisplay + ": " + attribute + ": " + e.getMessage(), e);
        }
    }

    /** {@code "80%"} or {@code "0.8"}; empty: {@code null}; {@code "0"}/{@code "none"}: 0. */
    static Double fraction(String text, String attribute, String methodDisplay) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return null;
        }
        if (s.equals("none") || s.equals("0")) {
            return 0d;
        }
        double f;
        try {
            f = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100
                    : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            f = Double.NaN;
        }
        if (!(f > 0 && f < 1)) {
            throw new CachingConfigurationException(methodDisplay + ": " + attribute + ": cannot use \"" + text
                    + "\": give a fraction of the absolute expiration above 0 and below 1, such as \"80%\" or \"0.8\", "
                    + "or \"none\"");
        }
        return f;
    }
}
