package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfiguration;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;

import java.time.Duration;

/**
 * The settings a method declares through {@link Cached} and the {@link CachingConfiguration} of its class and
 * enclosing classes, nearest first. {@code null} durations are left to the profile.
 */
final class DeclaredSettings {

    final String profile;
    final Duration absoluteExpiration;
    final Duration slidingExpiration;
    final boolean autoReload;

    private DeclaredSettings(String profile, Duration absoluteExpiration, Duration slidingExpiration,
                             boolean autoReload) {
        this.profile = profile;
        this.absoluteExpiration = absoluteExpiration;
        this.slidingExpiration = slidingExpiration;
        this.autoReload = autoReload;
    }

    static DeclaredSettings of(Cached cached, Class<?> declaringClass, String methodDisplay) {
        String profile = cached.profile();
        Duration absolute = parse(cached.absoluteExpiration(), "@Cached(absoluteExpiration)", methodDisplay);
        Duration sliding = parse(cached.slidingExpiration(), "@Cached(slidingExpiration)", methodDisplay);
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
            autoReload |= config.autoReload();
        }
        return new DeclaredSettings(profile.isEmpty() ? CachingProfile.DEFAULT_NAME : profile, absolute, sliding,
                autoReload);
    }

    private static Duration parse(String text, String attribute, String methodDisplay) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CachingConfigurationException(methodDisplay + ": " + attribute + ": " + e.getMessage(), e);
        }
    }
}
