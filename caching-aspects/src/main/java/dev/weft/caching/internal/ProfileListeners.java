package dev.weft.caching.internal;

import dev.weft.caching.CachingProfile;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells method metadata that a profile (or, with {@code null}, the global switch) changed, so that settings are
 * re-resolved once instead of on every call.
 */
public final class ProfileListeners {

    private static final List<Consumer<CachingProfile>> LISTENERS = new CopyOnWriteArrayList<>();

    private ProfileListeners() {
    }

    public static void add(Consumer<CachingProfile> listener) {
        LISTENERS.add(listener);
    }

    static void fire(CachingProfile profile) {
        for (Consumer<CachingProfile> l : LISTENERS) {
            l.accept(profile);
        }
    }
}
