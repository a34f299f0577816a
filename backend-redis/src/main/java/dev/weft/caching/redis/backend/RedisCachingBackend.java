package dev.weft.caching.redis.backend;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.backend.ValueSerializationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.backend.internal.KeyLayout;
import dev.weft.caching.redis.backend.internal.L2Connection;
import dev.weft.caching.redis.backend.internal.L2Counters;
import dev.weft.caching.redis.backend.internal.L2Store;
import dev.weft.caching.redis.backend.internal.LocalLevel;
import dev.weft.caching.redis.backend.internal.TwoLevelToken;
import dev.weft.caching.redis.backend.internal.ValueCodec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link CachingBackend} with a level in Redis that every instance shares, under an optional local level: a new
 * instance starts warm, and the fleet loads a key once rather than once per instance.
 *
 * <pre>{@code
 * RedisCachingBackend backend = RedisCachingBackend.create(redisClient,
 *     RedisCachingBackendOptions.builder()
 *         .keyPrefix("shop:")
 *         .localCache(MemoryCachingBackend.builder().maximumSize(50_000).build())
 *         .serializer(JsonValueSerializer.builder().allowPackages("com.acme.shop").build())
 *         .build());
 * CachingServices.setDefaultBackend(backend);
 * }</pre>
 *
 * <h2>How it reads and stores</h2>
 * With a local cache, a hit is a local hit and never touches Redis; a local miss reads Redis and keeps what it finds
 * locally, for no longer than Redis keeps it. Without one, every hit is one Redis command. A miss's result is stored
 * in Redis and locally. Invalidations remove the entry and its dependents in Redis first, then in this instance's
 * local level, which tells every other instance's (the Redis invalidator's protocol: sequence numbers, loss
 * detection, bounded staleness while disconnected).
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li><b>No stale write-back, fleet-wide.</b> A load that overlapped an invalidation of its key, of a dependency it
 *       carries, or a clear, made on any instance, is not stored in Redis: the store is checked inside Redis, in
 *       the same script that stores it, against marks that invalidations leave there (see the scripts).</li>
 *   <li><b>Expiration as declared.</b> An entry's life in Redis is its absolute or sliding expiration plus its
 *       fail-safe period, during which only the load path may still return it (fail-safe through Redis); the local
 *       copy never outlives it.</li>
 *   <li><b>Dependencies never outlive their entries</b>: dependency sets are scored by their entries' ends and expire
 *       with the last one.</li>
 *   <li><b>Redis down is slower, never failed.</b> A command that fails or takes longer than the command timeout
 *       opens a circuit: calls then use the local level and the method bodies without trying Redis, until a probe
 *       finds it back and the invalidations it missed are applied. Counted, logged, never thrown.</li>
 *   <li><b>Fleet-wide single flight</b> ({@link RedisCachingBackendOptions#distributedSingleFlight()}).</li>
 * </ul>
 *
 * <p>Ownership: a backend created from a URI or seed nodes owns its Lettuce client and shuts it down on close; one
 * created from a client leaves the client open. Either way it closes its connections and the local cache.
 * Thread-safe.
 */
public final class RedisCachingBackend implements CachingBackend {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCachingBackend.class);
    private static final long STALE_ITEMS = 10_000;
    private static final int LOGGED_CLASSES = 1_000;

    private final String name;
    private final String instanceId = UUID.randomUUID().toString();
    private final RedisCachingBackendOptions options;
    private final L2Store store;
    private final LocalLevel localLevel;
    /** The local level (the memory backend behind its sync), or null. Read on every hit. */
    private final CachingBackend local;
    private final ValueCodec codec;
    private final L2Counters counters = new L2Counters();
    private final ScheduledExecutorService scheduler;
    private final Runnable shutdownClient;
    private final long graceMillis;
    private final long maximumLoadNanos;
    private final AtomicLong stamps = new AtomicLong();
    /** Expired values read from Redis, by key: the load path checks a stale value by identity before it serves it. */
    private final Cache<ItemKey, StaleItem> staleItems = Caffeine.newBuilder().maximumSize(STALE_ITEMS)
            .expireAfterWrite(Duration.ofMinutes(1)).build();
    private final Set<String> loggedClasses = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RedisCachingBackend(String endpoint, RedisCachingBackendOptions options, int defaultShards,
                                java.util.function.Supplier<L2Connection> connector,
                                java.util.function.Function<MemoryCachingBackend, LocalLevel> sync,
                                Runnable shutdownClient) {
        this.options = Objects.requireNonNull(options, "options");
        this.name = "redis-backend " + options.keyPrefix() + " on " + endpoint;
        this.codec = new ValueCodec(options.serializer());
        this.shutdownClient = shutdownClient;
        this.graceMillis = options.propagationGrace().toMillis();
        this.maximumLoadNanos = options.maximumLoadDuration().toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-redis-backend");
            t.setDaemon(true);
            return t;
        });
        int shards = options.shards() > 0 ? options.shards() : defaultShards;
        try {
            this.store = new L2Store(name, connector, options.requireConnectionAtStart(),
                    new KeyLayout(options.keyPrefix(), shards), options.commandTimeout().toNanos(),
                    options.retryInterval().toNanos(), options.maximumLoadDuration().toMillis() + 60_000, counters,
                    scheduler, this::keptInvalidationApplied);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw new CachingConfigurationException("cannot connect to Redis at " + endpoint + " for the Redis "
                    + "caching backend: " + e.getMessage() + " (set requireConnectionAtStart(false) to start without "
                    + "it and keep trying)", e);
        }
        try {
            // no sync: the Redis level alone (a publisher's), whatever the options say
            this.localLevel = options.localCache() == null || sync == null ? null : sync.apply(options.localCache());
        } catch (RuntimeException e) {
            store.close();
            scheduler.shutdownNow();
            throw e;
        }
        this.local = localLevel == null ? null : localLevel.backend();
        LOG.info("[{}] started: {} shard(s), {}, {}", name, shards,
                localLevel == null ? "no local cache" : "local cache " + options.localCache(), options.serializer());
    }

    /** A backend on a standalone or Sentinel client the application owns (and closes). */
    public static RedisCachingBackend create(RedisClient client, RedisCachingBackendOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        return new RedisCachingBackend("redis", options, 1, () -> L2Connection.connect(client, null),
                memory -> LocalLevel.over(memory, client, options.localCacheSync()), () -> { });
    }

    /**
     * A backend on a client it creates for {@code uri} and owns: {@code redis://[user:password@]host:port},
     * {@code rediss://} for TLS, {@code redis-sentinel://host:port[,host:port]#master} for Sentinel.
     *
     * @throws CachingConfigurationException for a URI Lettuce cannot parse (the message never shows a password), or
     *                                       an unreachable Redis when the options require it at start
     */
    public static RedisCachingBackend create(String uri, RedisCachingBackendOptions options) {
        RedisURI parsed = parse(uri);
        RedisClient client = RedisClient.create(parsed);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try {
            return new RedisCachingBackend(describe(parsed), options, 1, () -> L2Connection.connect(client, null),
                    memory -> LocalLevel.over(memory, client, options.localCacheSync()), client::shutdown);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * A backend on a Redis Cluster client the application owns; turn on its adaptive topology refresh. Keys are
     * spread over {@value RedisCachingBackendOptions#DEFAULT_CLUSTER_SHARDS} shards unless the options say otherwise.
     */
    public static RedisCachingBackend create(RedisClusterClient client, RedisCachingBackendOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        return new RedisCachingBackend("redis cluster", options, RedisCachingBackendOptions.DEFAULT_CLUSTER_SHARDS,
                () -> L2Connection.connect(client), memory -> LocalLevel.over(memory, client, options.localCacheSync()),
                () -> { });
    }

    /** A backend on a Redis Cluster client it creates for the seed nodes {@code seedUris} and owns. */
    public static RedisCachingBackend createForCluster(List<String> seedUris, RedisCachingBackendOptions options) {
        Objects.requireNonNull(seedUris, "seedUris");
        if (seedUris.isEmpty()) {
            throw new CachingConfigurationException("a Redis Cluster needs at least one seed node URI");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String uri : seedUris) {
            seeds.add(parse(uri));
        }
        RedisClusterClient client = RedisClusterClient.create(seeds);
        // not REJECT_COMMANDS, as for one server: a cluster connection opens its node connections on first use
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        try {
            return new RedisCachingBackend("redis cluster " + describe(seeds.get(0)) + "...", options,
                    RedisCachingBackendOptions.DEFAULT_CLUSTER_SHARDS, () -> L2Connection.connect(client),
                    memory -> LocalLevel.over(memory, client, options.localCacheSync()), client::shutdown);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * A publish-only client for a process without a cache that changes data the fleet caches (a change feed, a batch
     * job): each invalidation is applied to the Redis level first, then published to every instance's local cache
     * over {@link RedisCachingBackendOptions#localCacheSync()}'s channel. A plain {@code RedisCacheInvalidator}
     * publisher would reach the local caches only, and they would read the old value back from Redis. The options'
     * {@code localCache} is not used. It owns a client it creates for {@code uri}.
     */
    public static InvalidationPublisher publisher(String uri, RedisCachingBackendOptions options) {
        RedisURI parsed = parse(uri);
        RedisClient client = RedisClient.create(parsed);
        try {
            RedisCachingBackend shared = new RedisCachingBackend(describe(parsed), options, 1,
                    () -> L2Connection.connect(client, null), null, () -> { });
            InvalidationPublisher sync;
            try {
                sync = RedisCacheInvalidator.publisher(client, options.localCacheSync());
            } catch (RuntimeException e) {
                shared.close();
                throw e;
            }
            return new SharedLevelPublisher(shared, sync, client::shutdown);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** The Redis level, then the local caches' channel: see {@link #publisher(String, RedisCachingBackendOptions)}. */
    private static final class SharedLevelPublisher implements InvalidationPublisher {
        private final RedisCachingBackend shared;
        private final InvalidationPublisher sync;
        private final Runnable shutdownClient;

        SharedLevelPublisher(RedisCachingBackend shared, InvalidationPublisher sync, Runnable shutdownClient) {
            this.shared = shared;
            this.sync = sync;
            this.shutdownClient = shutdownClient;
        }

        @Override
        public void invalidate(String key) {
            shared.invalidate(key);
            sync.invalidate(key);
        }

        @Override
        public void invalidateDependency(String dependency) {
            shared.invalidateDependency(dependency);
            sync.invalidateDependency(dependency);
        }

        @Override
        public void clear() {
            shared.clear();
            sync.clear();
        }

        @Override
        public InvalidatorStatus status() {
            return sync.status();
        }

        @Override
        public void close() {
            sync.close();
            shared.close();
            shutdownClient.run();
        }
    }

    // ---- reads --------------------------------------------------------------------------------------------------

    @Override
    public CacheItem get(ItemKey key) {
        CachingBackend l1 = local;
        if (l1 != null) {
            CacheItem item = l1.get(key);
            if (item != null) {
                return item;
            }
        }
        if (closed || !store.available()) {
            return null;
        }
        ItemRead read = fromRedis(key, true);
        return read == null ? null : read.item();
    }

    /**
     * The local level when there is one: a hit reads only memory, and the Redis read (several kilobytes of compiled
     * code, taken only on a local miss) stays off the hit path, so that the JIT inlines the hit into the cached method.
     * The load path then reads this backend, which looks in Redis.
     */
    @Override
    public CachingBackend localLevel() {
        return local != null ? local : this;
    }

    @Override
    public ItemRead read(ItemKey key) {
        CachingBackend l1 = local;
        ItemRead mine = null;
        if (l1 != null) {
            mine = l1.read(key);
            if (mine != null && mine.state() == ItemRead.State.FRESH) {
                return mine;
            }
        }
        if (closed || !store.available()) {
            return mine;
        }
        ItemRead shared = fromRedis(key, false);
        if (shared == FAILED) {
            return mine;
        }
        if (shared == null) {
            // nothing in Redis: a locally fresh value due for a refresh is still fresh; an expired one is not kept
            // past what the shared level keeps
            return mine != null && mine.state() == ItemRead.State.REFRESH ? mine : null;
        }
        if (shared.state() == ItemRead.State.STALE && mine != null && mine.state() == ItemRead.State.STALE) {
            return mine; // the same expired value, by the identity the load path checks
        }
        return shared;
    }

    private static final ItemRead FAILED = ItemRead.of(CacheItem.of(null), ItemRead.State.STALE);

    /**
     * Reads Redis, and keeps what is fresh in the local level (its token is taken before the read, so an invalidation
     * that arrives meanwhile keeps it out). Returns null when there is nothing, {@link #FAILED} when Redis failed.
     */
    private ItemRead fromRedis(ItemKey key, boolean freshOnly) {
        String canonical = key.canonical();
        CachingBackend l1 = local;
        LoadToken fill = l1 != null ? l1.beginLoad(key) : null;
        L2Store.Found found = null;
        boolean failed = false;
        try {
            found = store.read(canonical, freshOnly);
            failed = found == null && !store.circuit().allows();
        } finally {
            if (fill != null && (found == null || found.state == 2)) {
                l1.abandon(fill);
            }
        }
        if (found == null) {
            return failed ? (freshOnly ? null : FAILED) : null;
        }
        CacheItem item = decode(canonical, found);
        if (item == null) {
            if (fill != null && found.state != 2) {
                l1.abandon(fill);
            }
            return null;
        }
        if (found.state == 2) {
            return ItemRead.of(staleIdentity(key, found.stamp, item), ItemRead.State.STALE);
        }
        if (fill != null) {
            l1.set(fill, item);
        }
        return ItemRead.of(item, found.state == 1 ? ItemRead.State.REFRESH : ItemRead.State.FRESH);
    }

    /** The item for a Redis entry, with expirations counted from now; null (counted, logged) if unreadable. */
    private CacheItem decode(String canonical, L2Store.Found f) {
        Object value;
        try {
            value = codec.decode(f.value);
        } catch (ValueSerializationException e) {
            serializationFailed(canonical, "read", e);
            return null;
        }
        Set<String> dependencies = f.dependencies.isEmpty() ? Set.of() : Set.of(f.dependencies.split("\n"));
        if (f.state == 2) {
            return CacheItem.of(value, Expiration.NEVER, dependencies);
        }
        Duration absolute = f.freshLeftMillis >= 0 ? Duration.ofMillis(Math.max(1, f.freshLeftMillis)) : null;
        Duration sliding = f.slidingMillis >= 0 ? Duration.ofMillis(Math.max(1, f.slidingMillis)) : null;
        Duration failSafe = f.failSafeMillis > 0 ? Duration.ofMillis(f.failSafeMillis) : null;
        Duration refresh = f.refreshLeftMillis >= 0 && (absolute == null || f.refreshLeftMillis < f.freshLeftMillis)
                ? Duration.ofMillis(Math.max(1, f.refreshLeftMillis)) : null;
        if (refresh != null && absolute != null && refresh.compareTo(absolute) >= 0) {
            refresh = null;
        }
        return CacheItem.of(value, Expiration.of(absolute, sliding, failSafe, refresh), dependencies);
    }

    private CacheItem staleIdentity(ItemKey key, String stamp, CacheItem item) {
        StaleItem known = staleItems.getIfPresent(key);
        if (known != null && known.stamp.equals(stamp)) {
            return known.item;
        }
        staleItems.put(key, new StaleItem(stamp, item));
        return item;
    }

    /** An expired value read from Redis, with the stamp of the store that wrote it. */
    private static final class StaleItem {
        final String stamp;
        final CacheItem item;

        StaleItem(String stamp, CacheItem item) {
            this.stamp = stamp;
            this.item = item;
        }
    }

    // ---- loads --------------------------------------------------------------------------------------------------

    @Override
    public LoadToken beginLoad(ItemKey key) {
        Objects.requireNonNull(key, "key");
        CachingBackend l1 = local;
        LoadToken mine = l1 != null ? l1.beginLoad(key) : null;
        String canonical = key.canonical();
        L2Store.Fence fence = !closed && store.available() ? store.begin(canonical) : null;
        return new TwoLevelToken(key, canonical, mine, fence);
    }

    @Override
    public CacheItem awaitPeerLoad(LoadToken load, long timeoutNanos) {
        TwoLevelToken t = token(load);
        if (!options.distributedSingleFlight() || t.fence() == null || closed || !store.available()) {
            return null;
        }
        long leaseMillis = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(timeoutNanos),
                TimeUnit.NANOSECONDS.toMillis(maximumLoadNanos)));
        String owner = instanceId + ":" + stamps.incrementAndGet();
        long deadline = System.nanoTime() + Math.min(timeoutNanos, maximumLoadNanos);
        long pause = TimeUnit.MILLISECONDS.toNanos(2);
        boolean waited = false;
        while (true) {
            L2Store.Polled p = store.poll(t.canonical(), owner, leaseMillis);
            if (p == null) {
                return null; // Redis failed: load here
            }
            if (p.found != null) {
                CacheItem item = decode(t.canonical(), p.found);
                if (item != null) {
                    counters.peerLoadsUsed.increment();
                    keepLocally(t.key(), item);
                }
                return item;
            }
            if (p.leaseHolder.equals(owner)) {
                t.holdLease(owner);
                return null;
            }
            if (p.leaseHolder.startsWith(instanceId + ":")) {
                return null; // a load of this instance that its single flight gave up on: not worth waiting for
            }
            if (!waited) {
                waited = true;
                counters.peerWaits.increment();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                counters.peerWaitTimeouts.increment();
                LOG.debug("[{}] stopped waiting for another instance's load of {}", name, t.canonical());
                return null;
            }
            // polling, backing off to 50 ms: the other load's value is read within that of its store
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void keepLocally(ItemKey key, CacheItem item) {
        CachingBackend l1 = local;
        if (l1 != null) {
            LoadToken fill = l1.beginLoad(key);
            l1.set(fill, item);
        }
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        TwoLevelToken t = token(load);
        Objects.requireNonNull(item, "item");
        if (!t.end()) {
            return false;
        }
        CachingBackend l1 = local;
        Set<String> dependencies = item.dependencies();
        if (closed || t.local() != null && l1.isStale(t.local(), dependencies)) {
            if (t.local() != null) {
                l1.abandon(t.local());
            }
            releaseLease(t);
            return false;
        }
        L2Store.Stored shared = t.fence() != null && store.available() ? storeShared(t, item) : null;
        if (shared == null || shared == L2Store.Stored.FAILED) {
            releaseLease(t);
        }
        if (shared == L2Store.Stored.REFUSED) {
            if (t.local() != null) {
                l1.abandon(t.local());
            }
            return false;
        }
        if (t.local() != null) {
            return l1.set(t.local(), item);
        }
        return shared == L2Store.Stored.STORED;
    }

    private L2Store.Stored storeShared(TwoLevelToken t, CacheItem item) {
        L2Store.Fence fence = t.fence();
        if (System.nanoTime() - fence.beganNanos > maximumLoadNanos) {
            // invalidations it overlapped may have left no mark by now
            counters.writesHeldBack.increment();
            return L2Store.Stored.FAILED;
        }
        Set<String> dependencies = item.dependencies();
        if (t.canonical().indexOf('\n') >= 0 || dependencies.stream().anyMatch(d -> d.indexOf('\n') >= 0)) {
            counters.writesHeldBack.increment();
            LOG.debug("[{}] not sharing {}: a key or dependency with a line break", name, t.canonical());
            return L2Store.Stored.FAILED;
        }
        long guardSince = -1;
        if (localLevel != null && !dependencies.isEmpty() && localLevel.holdsAnyOf(dependencies)) {
            // a nested call may have read one of them here, from a level that may not have applied an invalidation
            // when the load began (see propagationGrace); while the sync is down, it may lag for longer
            if (!localLevel.inSync()) {
                counters.writesHeldBack.increment();
                return L2Store.Stored.FAILED;
            }
            guardSince = graceMillis > 0 ? fence.serverMillis - graceMillis : -1;
        }
        byte[] value;
        try {
            value = codec.encode(item.value());
        } catch (ValueSerializationException e) {
            serializationFailed(t.canonical(), "write", e);
            counters.writesHeldBack.increment();
            return L2Store.Stored.FAILED;
        }
        Expiration e = item.expiration();
        return store.write(fence, t.canonical(), guardSince, value, millis(e.absoluteNanos()),
                millis(e.slidingNanos()), e.failSafeNanos() == Expiration.NONE ? 0 : millis(e.failSafeNanos()),
                millis(e.refreshAfterNanos()), instanceId + ":" + stamps.incrementAndGet(), t.leaseOwner(),
                String.join("\n", dependencies));
    }

    private static long millis(long nanos) {
        return nanos == Expiration.NONE ? -1 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    @Override
    public void abandon(LoadToken load) {
        TwoLevelToken t = token(load);
        if (t.end()) {
            if (t.local() != null) {
                local.abandon(t.local());
            }
            releaseLease(t);
        }
    }

    private void releaseLease(TwoLevelToken t) {
        String owner = t.leaseOwner();
        if (owner != null) {
            store.release(t.canonical(), owner);
        }
    }

    @Override
    public boolean isStale(LoadToken load, Set<String> dependencies) {
        TwoLevelToken t = token(load);
        if (closed || t.isEnded()) {
            return true;
        }
        if (t.local() != null && local.isStale(t.local(), dependencies)) {
            return true;
        }
        if (t.fence() == null) {
            return t.local() == null;
        }
        if (!store.available()) {
            return true;
        }
        return store.isStale(t.fence(), t.canonical(), dependencies == null ? null : String.join("\n", dependencies));
    }

    private static TwoLevelToken token(LoadToken load) {
        if (!(load instanceof TwoLevelToken)) {
            throw new IllegalArgumentException("not a load token of this backend: " + load);
        }
        return (TwoLevelToken) load;
    }

    // ---- invalidations: Redis first, then this instance's local level, which tells the others' ----------------

    @Override
    public void invalidate(String key) {
        Objects.requireNonNull(key, "key");
        staleItems.invalidate(ItemKey.of(key));
        store.invalidate('k', key);
        if (local != null) {
            local.invalidate(key);
        }
    }

    @Override
    public void invalidateDependency(String dependency) {
        Objects.requireNonNull(dependency, "dependency");
        staleItems.invalidateAll();
        store.invalidate('d', dependency);
        if (local != null) {
            local.invalidateDependency(dependency);
        }
    }

    @Override
    public void clear() {
        staleItems.invalidateAll();
        store.invalidate('c', null);
        if (local != null) {
            local.clear();
        }
    }

    /**
     * An invalidation kept while Redis was unreachable is now in Redis: the local levels are told again, in the order
     * of {@link #invalidate}. The message sent when it was made (or the 'clear' standing for it) may have reached an
     * instance whose Redis level was back earlier (after a failover, on a path that healed sooner) before that
     * instance read the old value back from Redis into its local level, where nothing would ever remove it.
     * On the circuit's probe thread; {@code local} is null until the constructor has set it, and nothing is kept
     * before then.
     */
    private void keptInvalidationApplied(char kind, String target) {
        CachingBackend l1 = local;
        if (l1 == null) {
            return;
        }
        switch (kind) {
            case 'k' -> l1.invalidate(target);
            case 'd' -> l1.invalidateDependency(target);
            default -> l1.clear();
        }
    }

    // ---- state --------------------------------------------------------------------------------------------------

    /** Health and counters. */
    public RedisCachingBackendStatus status() {
        boolean available = store.circuit().allows();
        long openedAt = store.circuit().openedAtMillis();
        CacheInvalidator sync = localLevel == null ? null : localLevel.sync();
        dev.weft.caching.invalidation.InvalidatorStatus syncStatus = sync == null ? null : sync.status();
        RedisCachingBackendStatus.Health health = closed ? RedisCachingBackendStatus.Health.CLOSED
                : available && (syncStatus == null || syncStatus.connected()) ? RedisCachingBackendStatus.Health.UP
                : RedisCachingBackendStatus.Health.DEGRADED;
        L2Counters c = counters;
        return new RedisCachingBackendStatus(health, available, openedAt == 0 ? null : Instant.ofEpochMilli(openedAt),
                c.hits.sum(), c.misses.sum(), c.reads.sum(), c.readNanos.sum(), c.writes.sum(), c.writesRefused.sum(),
                c.writesHeldBack.sum(), c.errors.sum(), c.bypassed.sum(), c.circuitOpenings.sum(),
                c.serializationFailures.sum(), c.invalidations.sum(), store.pendingInvalidations(), c.peerWaits.sum(),
                c.peerLoadsUsed.sum(), c.peerWaitTimeouts.sum(), syncStatus);
    }

    /** The local level's sync (the Redis invalidator over the local cache), for metrics; null without a local cache. */
    public CacheInvalidator localCacheSync() {
        return localLevel == null ? null : localLevel.sync();
    }

    /** The options it was created with. */
    public RedisCachingBackendOptions options() {
        return options;
    }

    /** Waits until the local level's sync hears other instances, up to {@code timeout}; true at once without one. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return localLevel == null || localLevel.sync().awaitConnected(timeout);
    }

    private void serializationFailed(String key, String what, ValueSerializationException e) {
        counters.serializationFailures.increment();
        String cls = e.getMessage();
        if (loggedClasses.size() < LOGGED_CLASSES && loggedClasses.add(cls)) {
            // keys carry argument values (personal data): the key only at DEBUG
            LOG.warn("[{}] cannot {} a value in Redis; it is not shared (logged once per message, the key at "
                    + "DEBUG): {}", name, what, e.getMessage());
            LOG.debug("[{}] ... the key was {}", name, key);
        } else {
            LOG.debug("[{}] cannot {} the value of {} in Redis: {}", name, what, key, e.getMessage());
        }
    }

    /** Closes the local level and the connections; shuts the client down if this backend created it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (localLevel != null) {
            localLevel.close();
        }
        store.close();
        scheduler.shutdownNow();
        shutdownClient.run();
        LOG.info("[{}] closed", name);
    }

    @Override
    public String toString() {
        return "RedisCachingBackend{" + name + '}';
    }

    private static RedisURI parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        try {
            return RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new CachingConfigurationException("invalid Redis URI \"" + uri.replaceAll("//([^:@/]*):[^@/]*@",
                    "//$1:***@") + "\": " + e.getMessage() + " (expected redis://[user:password@]host:port, "
                    + "rediss://... or redis-sentinel://host:port#master)", e);
        }
    }

    private static String describe(RedisURI uri) {
        if (!uri.getSentinels().isEmpty()) {
            return "sentinel master " + uri.getSentinelMasterId();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ':' + uri.getPort();
    }
}
