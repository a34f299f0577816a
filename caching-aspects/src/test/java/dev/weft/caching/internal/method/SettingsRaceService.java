package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;

/**
 * The methods {@link SettingsRaceTest} registers, each with a profile of its own. A top-level class, with nothing
 * that refers to another class of the tests, so that the test can load a copy of it in a class loader of its own.
 */
@SuppressWarnings("unused")
class SettingsRaceService {

    static final String REGISTERED = "settings-race-registered";
    static final String BUILT = "settings-race-built";
    static final String CHANGED_TWICE = "settings-race-changed-twice";

    @Cached(profile = REGISTERED)
    String registered(int id) {
        return "r" + id;
    }

    @Cached(profile = BUILT)
    String built(int id) {
        return "b" + id;
    }

    @Cached(profile = CHANGED_TWICE)
    String changedTwice(int id) {
        return "c" + id;
    }
}
