package dev.weft.caching.azure.faults;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import dev.weft.testing.history.HistoryRecorder;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The service of the fault tests, woven like a user's class: a cached read of a key's version from a database every
 * instance shares (a redis-server of its own, never the one carrying invalidations, never behind a fault), and an
 * {@code @InvalidateCache} write that increments it.
 */
public class VersionStore {

    private final RedisCommands<String, String> database;
    private final String prefix;
    private final HistoryRecorder history;

    public VersionStore(RedisCommands<String, String> database, String prefix, HistoryRecorder history) {
        this.database = database;
        this.prefix = prefix;
        this.history = history;
    }

    @Cached
    public long version(String key) {
        String v = database.get(prefix + key);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** Increments the version in the database; the aspect invalidates {@code version(key)} when it returns. */
    @InvalidateCache("version")
    public long write(String key) {
        long version = database.incr(prefix + key);
        history.databaseChanged(key, version, System.nanoTime());
        return version;
    }
}
