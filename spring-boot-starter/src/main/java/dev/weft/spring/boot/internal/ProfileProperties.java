package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingProfile;
import dev.weft.spring.boot.WeftProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns {@code weft.profiles.<name>.*} into {@link CachingProfile}s, each value checked by the profile's builder. */
final class ProfileProperties {

    private ProfileProperties() {
    }

    static List<CachingProfile> profiles(Map<String, WeftProperties.Profile> configured) {
        List<CachingProfile> profiles = new ArrayList<>();
        configured.forEach((name, p) -> {
            String prefix = "weft.profiles." + name;
            CachingProfile.Builder b;
            try {
                b = CachingProfile.builder(name);
            } catch (IllegalArgumentException e) {
                throw PropertyCheck.conflict(prefix, name, e.getMessage(), "Give the profile a name.");
            }
            PropertyCheck.apply(prefix + ".absolute-expiration", p.getAbsoluteExpiration(), b::absoluteExpiration);
            PropertyCheck.apply(prefix + ".sliding-expiration", p.getSlidingExpiration(), b::slidingExpiration);
            PropertyCheck.apply(prefix + ".load-wait-timeout", p.getLoadWaitTimeout(), b::loadWaitTimeout);
            profiles.add(b.enabled(p.isEnabled()).autoReload(p.isAutoReload()).build());
        });
        return profiles;
    }
}
