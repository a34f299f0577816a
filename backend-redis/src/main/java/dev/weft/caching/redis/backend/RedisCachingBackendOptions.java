package dev.weft.caching.redis.backend;

import dev.weft.caching.backend.ValueSerializer;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@link RedisCachingBackend}. Immutable; every setter of the builder validates its value and names it.
 *
 * <pre>{@code
 * RedisCachingBackendOptions.builder()
 *     .keyPrefix("shop:")
 *     .localCache(MemoryCachingBackend.builder().maximumSize(50_000).build())   // two levels
 *     .serializer(JsonValueSerializer.builder().allowPackages("com.acme.shop").build())
 *     .distributedSingleFlight(true)
 *     .build();
 * }</pre>
 */
public final class RedisCachingBackendOptions {

    /** The key prefix when none is set. */
    public static final String DEFAULT_KEY_PREFIX = "weft:";
    /** Default of {@link #commandTimeout()}. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** Default of {@link #retryInterval()}. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);
    /** Default of {@link #maximumLoadDuration()}. */
    public static final Duration DEFAULT_MAXIMUM_LOAD_DURATION = Duration.ofMinutes(5);
    /** Default of {@link #propagationGrace()}. */
    public static final Duration DEFAULT_PROPAGATION_GRACE = Duration.ofSeconds(2);
    /** Shards on a Redis Cluster when {@link Builder#shards(int)} is not set. */
    public static final int DEFAULT_CLUSTER_SHARDS = 16;

    private final String keyPrefix;
    private final MemoryCachingBackend localCache;
    private final RedisCacheInvalidatorOptions localCacheSync;
    private final ValueSerializer serializer;
    private final boolean distributedSingleFlight;
    private final Duration commandTimeout;
    private final Duration retryInterval;
    private final Duration maximumLoadDuration;
    private final Duration propagationGrace;
    private final int shards;
    private final boolean requireConnectionAtStart;

    private RedisCachingBackendOptions(Builder b) {
        this.keyPrefix = b.keyPrefix;
        this.localCache = b.localCache;
        this.localCacheSync = b.localCacheSync != null ? b.localCacheSync
                : RedisCacheInvalidatorOptions.builder().channel(b.keyPrefix + "invalidation").build();
        this.serializer = b.serializer != null ? b.serializer : JsonValueSerializer.create();
        this.distributedSingleFlight = b.distributedSingleFlight;
        this.commandTimeout = b.commandTimeout;
        this.retryInterval = b.retryInterval;
        this.maximumLoadDuration = b.maximumLoadDuration;
        this.propagationGrace = b.propagationGrace;
        this.shards = b.shards;
        this.requireConnectionAtStart = b.requireConnectionAtStart;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options with every default: the Redis level alone, JSON of the JDK's value classes. */
    public static RedisCachingBackendOptions defaults() {
        return builder().build();
    }

    /** What every Redis key of this backend starts with, so that applications sharing a Redis keep apart. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The local level, or {@code null} when every read goes to Redis. */
    public MemoryCachingBackend localCache() {
        return localCache;
    }

    /**
     * How the local levels of all instances are kept in sync (channel, publish mode, loss handling, staleness while
     * disconnected): the options of the Redis invalidator, whose machinery does it. Used only with a local cache.
     * Default: channel {@code <keyPrefix>invalidation}, every other setting the invalidator's default.
     */
    public RedisCacheInvalidatorOptions localCacheSync() {
        return localCacheSync;
    }

    /** How values become bytes in Redis. Default: {@link JsonValueSerializer#create()}. */
    public ValueSerializer serializer() {
        return serializer;
    }

    /** Whether concurrent misses of one key on several instances run the method once (default false). */
    public boolean distributedSingleFlight() {
        return distributedSingleFlight;
    }

    /** How long a call waits for one Redis command before it goes on without Redis. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** While Redis is unreachable, how often it is tried again (calls meanwhile do not touch it). */
    public Duration retryInterval() {
        return retryInterval;
    }

    /**
     * A load that runs longer is not stored in Redis; invalidations leave marks for this long, and a fleet-wide
     * lease lasts at most this long.
     */
    public Duration maximumLoadDuration() {
        return maximumLoadDuration;
    }

    /**
     * With a local cache: for this long after an invalidation of one of its dependencies, a result built on a value
     * a nested cached call read from this instance's local cache is stored locally but not in Redis, since the local
     * cache may not have applied that invalidation yet when the load read it.
     */
    public Duration propagationGrace() {
        return propagationGrace;
    }

    /** Shards the keys are spread over (0: the default, 1 on standalone Redis, 16 on a cluster). */
    public int shards() {
        return shards;
    }

    /** Whether creating the backend fails when Redis cannot be reached (default true). */
    public boolean requireConnectionAtStart() {
        return requireConnectionAtStart;
    }

    @Override
    public String toString() {
        return "RedisCachingBackendOptions{keyPrefix='" + keyPrefix + "', localCache=" + localCache
                + ", serializer=" + serializer + ", distributedSingleFlight=" + distributedSingleFlight
                + ", commandTimeout=" + commandTimeout + ", retryInterval=" + retryInterval
                + ", maximumLoadDuration=" + maximumLoadDuration + ", propagationGrace=" + propagationGrace
                + ", shards=" + shards + '}';
    }

    /** Builds {@link RedisCachingBackendOptions}. Not thread-safe. */
    public static final class Builder {
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private MemoryCachingBackend localCache;
        private RedisCacheInvalidatorOptions localCacheSync;
        private ValueSerializer serializer;
        private boolean distributedSingleFlight;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
        private Duration maximumLoadDuration = DEFAULT_MAXIMUM_LOAD_DURATION;
        private Duration propagationGrace = DEFAULT_PROPAGATION_GRACE;
        private int shards;
        private boolean requireConnectionAtStart = true;

        private Builder() {
        }

        /**
         * The prefix of every key (default {@value #DEFAULT_KEY_PREFIX}): 1 to 128 characters, no whitespace. A prefix
         * with a hash tag in braces puts every key in that one Redis Cluster slot.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.length() > 128 || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("keyPrefix must be 1 to 128 characters without whitespace, got \""
                        + keyPrefix + "\"");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * A local level over Redis: hits never touch Redis, and every instance's local level is kept in sync over
         * Redis pub/sub ({@link #localCacheSync}). The backend owns it from now on and closes it.
         */
        public Builder localCache(MemoryCachingBackend localCache) {
            this.localCache = Objects.requireNonNull(localCache, "localCache");
            return this;
        }

        /** How the local levels are kept in sync; see {@link RedisCachingBackendOptions#localCacheSync()}. */
        public Builder localCacheSync(RedisCacheInvalidatorOptions options) {
            this.localCacheSync = Objects.requireNonNull(options, "localCacheSync");
            return this;
        }

        /** How values become bytes (default {@link JsonValueSerializer#create()}: the JDK's value classes only). */
        public Builder serializer(ValueSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            if (serializer.formatId() == null || serializer.formatId().isEmpty() || serializer.formatId().length() > 32
                    || !serializer.formatId().chars().allMatch(c -> c > 32 && c < 127)) {
                throw new IllegalArgumentException("serializer.formatId() must be 1 to 32 printable ASCII characters, "
                        + "got \"" + serializer.formatId() + "\"");
            }
            return this;
        }

        /**
         * Whether concurrent misses of one key on several instances run the method once (default false): the first
         * takes a lease in Redis, the others wait for its value in Redis up to the method's load wait timeout. Costs
         * one more Redis command per miss.
         */
        public Builder distributedSingleFlight(boolean on) {
            this.distributedSingleFlight = on;
            return this;
        }

        /** How long a call waits for one Redis command (default 500 ms); 1 ms to 1 minute. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = within("commandTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /** How often an unreachable Redis is tried again (default 1 s); 10 ms to 10 minutes. */
        public Builder retryInterval(Duration interval) {
            this.retryInterval = within("retryInterval", interval, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /** The longest load whose result is stored in Redis (default 5 minutes); 1 s to 1 day. */
        public Builder maximumLoadDuration(Duration duration) {
            this.maximumLoadDuration = within("maximumLoadDuration", duration, Duration.ofSeconds(1),
                    Duration.ofDays(1));
            return this;
        }

        /** See {@link RedisCachingBackendOptions#propagationGrace()} (default 2 s); 0 to 10 minutes. */
        public Builder propagationGrace(Duration grace) {
            this.propagationGrace = within("propagationGrace", grace, Duration.ZERO, Duration.ofMinutes(10));
            return this;
        }

        /**
         * How many shards the keys are spread over (default 1 on standalone Redis, {@value #DEFAULT_CLUSTER_SHARDS}
         * on a cluster); 1 to 1024. Each shard is one Redis Cluster slot holding its entries, dependency sets and
         * invalidation marks together, so each store and each invalidation is atomic in its shard; a dependency
         * invalidation runs once per shard. Every instance must use the same number.
         */
        public Builder shards(int shards) {
            if (shards < 1 || shards > 1024) {
                throw new IllegalArgumentException("shards must be 1 to 1024, got " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Whether an unreachable Redis fails the creation (default true), or is tried again in the background. */
        public Builder requireConnectionAtStart(boolean require) {
            this.requireConnectionAtStart = require;
            return this;
        }

        private static Duration within(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + d);
            }
            return d;
        }

        /** Creates the options. */
        public RedisCachingBackendOptions build() {
            return new RedisCachingBackendOptions(this);
        }
    }
}
