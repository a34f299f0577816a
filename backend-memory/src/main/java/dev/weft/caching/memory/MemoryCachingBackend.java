package dev.weft.caching.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.memory.internal.DependencyIndex;
import dev.weft.caching.memory.internal.Entry;
import dev.weft.caching.memory.internal.EntryReads;
import dev.weft.caching.memory.internal.InvalidationLog;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.ToIntBiFunction;

/**
 * The in-process {@link CachingBackend}, on a Caffeine cache: bounded by entry count or weight, with per-item
 * absolute and sliding expiration, a dependency index, and the no-stale-write-back guarantee.
 *
 * <pre>{@code
 * CachingServices.setDefaultBackend(MemoryCachingBackend.builder().maximumSize(50_000).build());
 * }</pre>
 *
 * <p>Thread-safe. A hit is one Caffeine lookup (plus one clock read for items that expire) and allocates nothing: the
 * entry Caffeine holds is the item returned. Evicted and expired items leave the dependency index in the same atomic
 * step that removes them. When several invalidations and a load race, the load's result is stored only if no
 * invalidation of its key, of its dependencies, or a clear happened after the load began (see
 * {@link CachingBackend}). An expired item with a fail-safe period stays until that period ends, visible only to
 * {@link #read(ItemKey)}; an invalidation removes it like any other.
 *
 * <p>No index from key text to key is kept: an invalidation received as text is turned back into the local key by
 * {@link ItemKey#of(String)}.
 */
public final class MemoryCachingBackend implements CachingBackend {

    /** The maximum number of entries when neither {@code maximumSize} nor {@code maximumWeight} is set. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    private final Cache<ItemKey, Entry> cache;
    private final Ticker ticker;
    private final ConcurrentMap<ItemKey, Entry> map;
    private final DependencyIndex index = new DependencyIndex();
    private final InvalidationLog log;
    private final String description;
    private volatile boolean closed;

    private MemoryCachingBackend(Builder b) {
        Caffeine<Object, Object> caffeine = Caffeine.newBuilder();
        if (b.maximumWeight >= 0) {
            ToIntBiFunction<ItemKey, CacheItem> weigher = b.weigher;
            caffeine.maximumWeight(b.maximumWeight).weigher((ItemKey k, Entry e) -> weigher.applyAsInt(k, e));
        } else {
            caffeine.maximumSize(b.maximumSize >= 0 ? b.maximumSize : DEFAULT_MAXIMUM_SIZE);
        }
        if (b.executor != null) {
            caffeine.executor(b.executor);
        }
        if (b.recordStatistics) {
            caffeine.recordStats();
        }
        this.ticker = b.ticker != null ? b.ticker : Ticker.systemTicker();
        this.log = new InvalidationLog(ticker::read);
        this.cache = caffeine
                .evictionListener((ItemKey key, Entry entry, RemovalCause cause) -> {
                    if (key != null && entry != null) {
                        entry.markRemoved();
                        index.unindex(key, entry.dependencies());
                    }
                })
                .build();
        this.map = cache.asMap();
        this.description = "MemoryCachingBackend{" + (b.maximumWeight >= 0 ? "maximumWeight=" + b.maximumWeight
                : "maximumSize=" + (b.maximumSize >= 0 ? b.maximumSize : DEFAULT_MAXIMUM_SIZE)) + '}';
    }

    /** A backend with default settings: at most {@value #DEFAULT_MAXIMUM_SIZE} entries. */
    public static MemoryCachingBackend create() {
        return builder().build();
    }

    /** Starts configuring a backend. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CacheItem get(ItemKey key) {
        Entry e = cache.getIfPresent(key);
        if (e == null || e.isRemoved()) {
            return null;
        }
        long deadline = e.hitDeadline();
        if (deadline != Entry.NEVER) {
            long now = ticker.read();
            if (now - deadline >= 0) {
                // expired, or due for an eager refresh: the load path's read() says which
                if (EntryReads.isGoneAt(e, now)) {
                    expire(key, e);
                }
                return null;
            }
            e.touch(now);
        }
        return e;
    }

    @Override
    public ItemRead read(ItemKey key) {
        Entry e = cache.getIfPresent(key);
        if (e == null || e.isRemoved()) {
            return null;
        }
        if (e.hitDeadline() == Entry.NEVER) {
            return ItemRead.of(e, ItemRead.State.FRESH);
        }
        ItemRead.State state = EntryReads.stateAt(e, ticker.read());
        if (state == null) {
            expire(key, e);
            return null;
        }
        return ItemRead.of(e, state);
    }

    /** Removes an entry found expired, unless it was replaced meanwhile. */
    private void expire(ItemKey key, Entry expired) {
        map.compute(key, (k, current) -> {
            if (current != expired) {
                return current;
            }
            current.markRemoved();
            index.unindex(k, current.dependencies());
            return null;
        });
    }

    @Override
    public LoadToken beginLoad(ItemKey key) {
        Objects.requireNonNull(key, "key");
        return log.begin(key);
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        InvalidationLog.Token token = token(load);
        Objects.requireNonNull(item, "item");
        if (closed || token.isEnded()) {
            return false;
        }
        ItemKey key = token.key();
        Set<String> dependencies = item.dependencies();
        // the key's text is written only when some invalidation overlapped the load, to look up its marks
        String canonical = log.isQuietSince(token) ? null : key.canonical();
        if (canonical != null && log.isStale(token, canonical, dependencies)) {
            token.end();
            return false;
        }
        Entry entry = Entry.of(item, item.expiration().expires() ? ticker.read() : 0);
        // Hidden until the store has passed its checks (a reader treats it as absent); both paths below end by
        // showing it or by taking it out again.
        entry.hide();
        if (dependencies.isEmpty()) {
            // The common case, no dependencies and no entry for the key: putIfAbsent, not compute. Caffeine's compute
            // allocates a context and two lambdas besides ours, and this was 20 % of a miss's bytes (issue 19's
            // MissBenchmark: 700 -> 540 B per miss). Without a lock around the check, the entry goes in hidden (a
            // reader treats it as absent), then the same handshake as below: the store writes the map, fences, reads
            // the log; an invalidation writes the log, fences, reads the map (its compute). Either the check sees the
            // invalidation and takes the entry out again, or the invalidation's compute, which comes after, finds the
            // entry and removes it (a show after the removal began leaves it removed: Entry#show). With
            // dependencies the index must change atomically with the map (an index update racing another store of the
            // key could drop that store's index entry), so those take the compute below.
            Entry present = map.putIfAbsent(key, entry);
            if (present == null) {
                VarHandle.fullFence();
                boolean stale = token.isEnded() || !log.isQuietSince(token) && log.isStale(token,
                        canonical != null ? canonical : key.canonical(), dependencies);
                if (stale) {
                    map.remove(key, entry);
                } else {
                    entry.show();
                }
                token.end();
                return !stale;
            }
        }
        Entry stored = map.compute(key, (k, old) -> {
            Set<String> oldDependencies = old == null ? Set.of() : old.dependencies();
            // Index first, then look at the log, both under this key's lock. An invalidation records itself
            // before it looks at the index: either it sees this entry in the index and removes it (waiting for
            // this lock), or this check sees its record and the entry is never visible to anyone. The previous
            // item's dependencies stay indexed until it is marked removed: an invalidation of one of them that
            // found nothing in the index could otherwise return while a reader still gets that item.
            index.index(k, Set.of(), dependencies);
            VarHandle.fullFence();
            if (token.isEnded() || !log.isQuietSince(token) && log.isStale(token,
                    canonical != null ? canonical : k.canonical(), dependencies)) {
                index.index(k, dependencies, oldDependencies);
                return old;
            }
            if (old != null) {
                old.markRemoved();
                index.index(k, oldDependencies, dependencies);
            }
            return entry;
        });
        token.end();
        if (stored != entry) {
            return false;
        }
        // A clear finds the keys to remove by walking the map, and an entry that a compute is still putting in is not
        // in the walk yet (its check above came before the clear began, its insertion after the walk): the index
        // handshake covers invalidations of a key or a dependency, not clears. So the same handshake as the path
        // without dependencies, for clears: the entry is in the map, fence, then look for a clear that began after
        // the load. Either this sees it and takes the entry out, or the clear, which came after, walks the map
        // with the entry in it. Found by StaleWriteBackRaceTest under load (a value loaded before a clear was served
        // after it); StoreInterleavingTest#aClearWhileAStoreOfANewKeyIsPastItsCheckIsNeverOutlivedByTheStore shows it.
        VarHandle.fullFence();
        if (log.clearedSince(token)) {
            map.compute(key, (k, e) -> {
                if (e != entry) {
                    return e;
                }
                e.markRemoved();
                index.unindex(k, e.dependencies());
                return null;
            });
            return false;
        }
        // a no-op if a removal has marked the entry removed meanwhile: it stays removed (Entry#show)
        entry.show();
        return true;
    }

    @Override
    public void abandon(LoadToken load) {
        // the log keeps no record of loads: ending the token only stops a late store through it
        token(load).end();
    }

    @Override
    public boolean isStale(LoadToken load, Set<String> dependencies) {
        InvalidationLog.Token token = token(load);
        if (closed || token.isEnded()) {
            return true;
        }
        if (log.isQuietSince(token)) {
            return false;
        }
        return dependencies == null || log.isStale(token, token.key().canonical(), dependencies);
    }

    private static InvalidationLog.Token token(LoadToken load) {
        if (!(load instanceof InvalidationLog.Token)) {
            throw new IllegalArgumentException("not a load token of this backend: " + load);
        }
        return (InvalidationLog.Token) load;
    }

    @Override
    public void invalidate(String key) {
        Objects.requireNonNull(key, "key");
        marked(log.begin(key), () -> {
            remove(ItemKey.of(key));
            removeDependents(key);
        });
    }

    @Override
    public void invalidateDependency(String dependency) {
        Objects.requireNonNull(dependency, "dependency");
        marked(log.begin(dependency), () -> removeDependents(dependency));
    }

    /**
     * Runs a removal between the marks of its invalidation. The fence orders the mark before the removal's reads of
     * the index: the other half of the handshake with {@link #set}, which indexes before it reads the marks.
     */
    private void marked(InvalidationLog.Invalidation mark, Runnable removal) {
        try {
            VarHandle.fullFence();
            removal.run();
        } finally {
            log.end(mark);
        }
    }

    private void removeDependents(String dependency) {
        for (ItemKey k : index.dependents(dependency)) {
            remove(k);
        }
    }

    private void remove(ItemKey key) {
        // compute, not computeIfPresent: Caffeine's computeIfPresent returns at once, without the key's lock, when
        // it sees no entry, and a store that is inside its compute for this key has no entry yet. compute always
        // takes the lock, so it waits for that store and removes what it stored.
        map.compute(key, (k, e) -> {
            if (e != null) {
                e.markRemoved();
                index.unindex(k, e.dependencies());
            }
            return null;
        });
    }

    @Override
    public void clear() {
        // one by one, so that each removal updates the index atomically with it (a blanket index reset could erase
        // the entry of a load that began after the clear)
        marked(log.beginClear(), () -> new ArrayList<>(map.keySet()).forEach(this::remove));
    }

    /** Removes every entry and stops storing new ones. */
    @Override
    public void close() {
        closed = true;
        clear();
        cache.cleanUp();
    }

    /** The approximate number of entries. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /** Caffeine's statistics; all zero unless the builder turned {@link Builder#recordStatistics} on. */
    public CacheStats caffeineStatistics() {
        return cache.stats();
    }

    /**
     * Removes expired entries and performs Caffeine's pending maintenance now. Expired entries are otherwise removed
     * when read, or evicted by size like any other; call this periodically if many entries expire unread and
     * memory matters.
     */
    public void cleanUp() {
        long now = ticker.read();
        for (Map.Entry<ItemKey, Entry> e : map.entrySet()) {
            if (EntryReads.isGoneAt(e.getValue(), now)) {
                expire(e.getKey(), e.getValue());
            }
        }
        cache.cleanUp();
    }

    /**
     * The number of recent invalidations remembered so that loads that overlapped them are not stored: bounded, since
     * marks older than a minute are forgotten once more than about a thousand are kept (diagnostics).
     */
    public int invalidationMarks() {
        return log.size();
    }

    @Override
    public String toString() {
        return description;
    }

    /** Configures a {@link MemoryCachingBackend}. Each setter validates its argument at once. Not thread-safe. */
    public static final class Builder {
        private long maximumSize = -1;
        private long maximumWeight = -1;
        private ToIntBiFunction<ItemKey, CacheItem> weigher;
        private Ticker ticker;
        private Executor executor;
        private boolean recordStatistics;

        private Builder() {
        }

        /** At most this many entries (default {@value #DEFAULT_MAXIMUM_SIZE}); exclusive with maximum weight. */
        public Builder maximumSize(long maximumSize) {
            if (maximumSize < 0) {
                throw new IllegalArgumentException("maximumSize must not be negative, got " + maximumSize);
            }
            if (maximumWeight >= 0) {
                throw new IllegalStateException("maximumWeight was already set; use one of maximumSize and maximumWeight");
            }
            this.maximumSize = maximumSize;
            return this;
        }

        /** At most this total weight, each entry weighed by {@code weigher}; exclusive with maximum size. */
        public Builder maximumWeight(long maximumWeight, ToIntBiFunction<ItemKey, CacheItem> weigher) {
            if (maximumWeight < 0) {
                throw new IllegalArgumentException("maximumWeight must not be negative, got " + maximumWeight);
            }
            if (maximumSize >= 0) {
                throw new IllegalStateException("maximumSize was already set; use one of maximumSize and maximumWeight");
            }
            this.maximumWeight = maximumWeight;
            this.weigher = Objects.requireNonNull(weigher, "weigher");
            return this;
        }

        /** The time source for expiration (default {@code System.nanoTime()}); tests pass a controllable one. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Where Caffeine runs maintenance (default the common pool); tests pass {@code Runnable::run}. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Records Caffeine's hit/miss/eviction statistics (default off; costs a little on every access). */
        public Builder recordStatistics(boolean record) {
            this.recordStatistics = record;
            return this;
        }

        /** Creates the backend. */
        public MemoryCachingBackend build() {
            return new MemoryCachingBackend(this);
        }
    }
}
