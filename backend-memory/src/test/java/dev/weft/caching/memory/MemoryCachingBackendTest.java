package dev.weft.caching.memory;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backend contract, driven directly: storage, expiration, the dependency index, and no stale write-back. */
class MemoryCachingBackendTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Ticker ticker = now::get;
    private final MemoryCachingBackend backend =
            MemoryCachingBackend.builder().ticker(ticker).executor(Runnable::run).build();

    @AfterEach
    void close() {
        backend.close();
    }

    private static ItemKey key(String k) {
        return ItemKey.of(k);
    }

    private boolean store(String key, Object value, String... dependencies) {
        LoadToken t = backend.beginLoad(key(key));
        return backend.set(t, CacheItem.of(value, null, null, List.of(dependencies)));
    }

    private Object value(String key) {
        CacheItem item = backend.get(key(key));
        return item == null ? "<absent>" : item.value();
    }

    @Test
    void storesAndReturnsItemsIncludingNull() {
        assertThat(store("a", "A")).isTrue();
        assertThat(store("n", null)).isTrue();
        assertThat(value("a")).isEqualTo("A");
        assertThat(backend.get(key("n"))).isNotNull();
        assertThat(backend.get(key("n")).value()).isNull();
        assertThat(value("missing")).isEqualTo("<absent>");
    }

    @Test
    void invalidatingAKeyRemovesItAndTheItemsThatDependOnIt() {
        store("inner", 1);
        store("outer", 2, "inner");
        store("other", 3);
        backend.invalidate("inner");
        assertThat(value("inner")).isEqualTo("<absent>");
        assertThat(value("outer")).isEqualTo("<absent>");
        assertThat(value("other")).isEqualTo(3);
    }

    @Test
    void invalidatingADependencyRemovesEveryItemCarryingIt() {
        store("p7", 1, "product:7");
        store("page", 2, "product:7", "product:8");
        store("p8", 3, "product:8");
        backend.invalidateDependency("product:7");
        assertThat(value("p7")).isEqualTo("<absent>");
        assertThat(value("page")).isEqualTo("<absent>");
        assertThat(value("p8")).isEqualTo(3);
    }

    @Test
    void replacingAnItemDropsTheDependenciesItNoLongerHas() {
        store("a", 1, "d1");
        store("a", 2, "d2");
        backend.invalidateDependency("d1");
        assertThat(value("a")).isEqualTo(2);
        backend.invalidateDependency("d2");
        assertThat(value("a")).isEqualTo("<absent>");
    }

    @Test
    void aLoadInvalidatedByKeyWhileInFlightIsNotStored() {
        LoadToken t = backend.beginLoad(key("a"));
        backend.invalidate("a");
        assertThat(backend.set(t, CacheItem.of("stale"))).isFalse();
        assertThat(value("a")).isEqualTo("<absent>");
    }

    @Test
    void aLoadWhoseDependencyWasInvalidatedWhileInFlightIsNotStored() {
        LoadToken t = backend.beginLoad(key("a"));
        backend.invalidateDependency("product:1");
        assertThat(backend.set(t, CacheItem.of("stale", null, null, List.of("product:1")))).isFalse();
        assertThat(value("a")).isEqualTo("<absent>");
    }

    @Test
    void isStaleAnswersWhatSetWouldDoWithoutEndingTheLoad() {
        LoadToken t = backend.beginLoad(key("a"));
        assertThat(backend.isStale(t, null)).as("nothing invalidated yet").isFalse();
        assertThat(backend.isStale(t, Set.of("product:1"))).isFalse();

        backend.invalidateDependency("product:2");
        assertThat(backend.isStale(t, null)).as("dependencies unknown: any invalidation counts").isTrue();
        assertThat(backend.isStale(t, Set.of("product:1"))).isFalse();
        assertThat(backend.isStale(t, Set.of("product:2"))).isTrue();

        backend.invalidate("a");
        assertThat(backend.isStale(t, Set.of())).as("its own key").isTrue();
        assertThat(backend.set(t, CacheItem.of("stale"))).isFalse();

        LoadToken cleared = backend.beginLoad(key("b"));
        backend.clear();
        assertThat(backend.isStale(cleared, Set.of())).isTrue();
        backend.abandon(cleared);
    }

    @Test
    void aLoadInFlightDuringAClearIsNotStored() {
        LoadToken t = backend.beginLoad(key("a"));
        backend.clear();
        assertThat(backend.set(t, CacheItem.of("stale"))).isFalse();
    }

    @Test
    void invalidationsOfOtherKeysDoNotRefuseALoad() {
        LoadToken t = backend.beginLoad(key("a"));
        backend.invalidate("b");
        backend.invalidateDependency("unrelated");
        assertThat(backend.set(t, CacheItem.of("fresh", null, null, List.of("related")))).isTrue();
        assertThat(value("a")).isEqualTo("fresh");
    }

    @Test
    void aLoadThatBeganAfterTheInvalidationIsStored() {
        backend.invalidate("a");
        LoadToken t = backend.beginLoad(key("a"));
        assertThat(backend.set(t, CacheItem.of("fresh"))).isTrue();
    }

    @Test
    void aTokenCanEndOnlyOnceAndOnlyHere() {
        LoadToken t = backend.beginLoad(key("a"));
        backend.abandon(t);
        assertThatThrownBy(() -> backend.set(() -> key("x"), CacheItem.of(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void absoluteExpirationFollowsTheTicker() {
        LoadToken t = backend.beginLoad(key("a"));
        backend.set(t, CacheItem.of("A", Duration.ofSeconds(10), null, Set.of()));
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(value("a")).isEqualTo("A");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(value("a")).isEqualTo("<absent>");
    }

    @Test
    void evictedItemsLeaveTheDependencyIndex() {
        MemoryCachingBackend small = MemoryCachingBackend.builder().maximumSize(10).executor(Runnable::run).build();
        try {
            for (int i = 0; i < 1000; i++) {
                LoadToken t = small.beginLoad(key("k" + i));
                small.set(t, CacheItem.of(i, null, null, List.of("dep" + i, "shared")));
            }
            small.cleanUp();
            assertThat(small.estimatedSize()).isLessThanOrEqualTo(10);
            small.invalidateDependency("shared");
            small.cleanUp();
            assertThat(small.estimatedSize()).isZero();
        } finally {
            small.close();
        }
    }

    @Test
    void aClosedBackendStoresNothing() {
        backend.close();
        assertThat(store("a", 1)).isFalse();
    }

    private boolean store(String key, Object value, Expiration expiration) {
        LoadToken t = backend.beginLoad(key(key));
        return backend.set(t, CacheItem.of(value, expiration, Set.of("dep:" + key)));
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void anItemExpiresAtItsDeadlineExactly() {
        store("a", "A", Expiration.of(Duration.ofSeconds(10), null, null, null));
        advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(value("a")).isEqualTo("A");
        advance(Duration.ofNanos(1));
        assertThat(value("a")).isEqualTo("<absent>");
    }

    @Test
    void anExpiredItemFoundByAHitIsRemovedAtOnce() {
        store("a", "A", Expiration.of(Duration.ofSeconds(10), null, null, null));
        store("b", "B", Expiration.NEVER);
        advance(Duration.ofSeconds(11));
        assertThat(value("a")).isEqualTo("<absent>");
        assertThat(backend.estimatedSize()).isEqualTo(1);
        assertThat(backend.read(key("a"))).isNull();
    }

    @Test
    void cleanUpRemovesExpiredItemsNobodyReadsAndKeepsTheOthers() {
        store("a", "A", Expiration.of(Duration.ofSeconds(10), null, null, null));
        store("b", "B", Expiration.of(Duration.ofSeconds(60), null, null, null));
        advance(Duration.ofSeconds(11));
        backend.cleanUp();
        assertThat(backend.estimatedSize()).isEqualTo(1);
        assertThat(value("b")).isEqualTo("B");
    }

    @Test
    void anExpiredItemIsReadAsStaleDuringItsFailSafePeriodThenRemoved() {
        store("a", "A", Expiration.of(Duration.ofSeconds(10), null, Duration.ofSeconds(5), null));
        advance(Duration.ofSeconds(12));
        assertThat(value("a")).as("a hit never returns an expired item").isEqualTo("<absent>");
        ItemRead read = backend.read(key("a"));
        assertThat(read.state()).isEqualTo(ItemRead.State.STALE);
        assertThat(read.item().value()).isEqualTo("A");
        advance(Duration.ofSeconds(3));
        assertThat(backend.read(key("a"))).isNull();
        assertThat(backend.estimatedSize()).isZero();
    }

    @Test
    void aRefreshIsDueOnceAtTheRefreshPointThenHalfwayToTheExpiration() {
        store("a", "A", Expiration.of(Duration.ofSeconds(10), null, null, Duration.ofSeconds(8)));
        advance(Duration.ofSeconds(7));
        assertThat(backend.read(key("a")).state()).isEqualTo(ItemRead.State.FRESH);
        assertThat(value("a")).isEqualTo("A");
        advance(Duration.ofSeconds(1));
        assertThat(value("a")).as("the hit path leaves a due refresh to the load path").isEqualTo("<absent>");
        assertThat(backend.read(key("a")).state()).isEqualTo(ItemRead.State.REFRESH);
        assertThat(backend.read(key("a")).state()).as("one reader starts the refresh").isEqualTo(ItemRead.State.FRESH);
        advance(Duration.ofMillis(999));
        assertThat(backend.read(key("a")).state()).isEqualTo(ItemRead.State.FRESH);
        advance(Duration.ofMillis(1));
        assertThat(backend.read(key("a")).state()).as("a refresh that did not happen is due again at 9 s")
                .isEqualTo(ItemRead.State.REFRESH);
        advance(Duration.ofSeconds(1));
        assertThat(backend.read(key("a"))).isNull();
    }

    @Test
    void aSlidingExpirationMovesWithEachHit() {
        store("a", "A", Expiration.of(null, Duration.ofSeconds(10), null, null));
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofSeconds(8));
            assertThat(value("a")).isEqualTo("A");
        }
        advance(Duration.ofSeconds(10));
        assertThat(value("a")).isEqualTo("<absent>");
    }

    @Test
    void aLoadThatBeganAfterAnInvalidationEndedIsStoredThoughOtherInvalidationsFollow() {
        backend.invalidate("a");
        LoadToken t = backend.beginLoad(key("a"));
        backend.invalidate("b");
        assertThat(backend.isStale(t, Set.of())).isFalse();
        assertThat(backend.isStale(t, null)).as("dependencies not known yet: any invalidation might be one").isTrue();
        assertThat(backend.set(t, CacheItem.of("A"))).isTrue();
        assertThat(backend.invalidationMarks()).isEqualTo(2);
    }

    @Test
    void aWeigherBoundsTheTotalWeight() {
        MemoryCachingBackend weighed = MemoryCachingBackend.builder()
                .maximumWeight(10, (k, item) -> (Integer) item.value()).executor(Runnable::run).build();
        try {
            weighed.set(weighed.beginLoad(key("heavy")), CacheItem.of(100));
            weighed.set(weighed.beginLoad(key("light")), CacheItem.of(1));
            weighed.cleanUp();
            assertThat(weighed.get(key("heavy"))).isNull();
            assertThat(weighed.get(key("light")).value()).isEqualTo(1);
            assertThat(weighed.toString()).isEqualTo("MemoryCachingBackend{maximumWeight=10}");
        } finally {
            weighed.close();
        }
    }

    @Test
    void statisticsAreCaffeinesWhenRecorded() {
        MemoryCachingBackend counted = MemoryCachingBackend.builder().recordStatistics(true).build();
        try {
            counted.get(key("missing"));
            assertThat(counted.caffeineStatistics().missCount()).isEqualTo(1);
            assertThat(counted.toString()).isEqualTo("MemoryCachingBackend{maximumSize=100000}");
        } finally {
            counted.close();
        }
    }

    @Test
    void boundsOfZeroAreAccepted() {
        assertThat(MemoryCachingBackend.builder().maximumSize(0).build().toString()).contains("maximumSize=0");
        assertThatThrownBy(() -> MemoryCachingBackend.builder().maximumWeight(0, (k, v) -> 1).maximumSize(5))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MemoryCachingBackend.builder().maximumSize(0).maximumWeight(5, (k, v) -> 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anItemThatNeverExpiresIsReadFresh() {
        store("a", "A", "d");
        ItemRead read = backend.read(key("a"));
        assertThat(read.state()).isEqualTo(ItemRead.State.FRESH);
        assertThat(read.item().value()).isEqualTo("A");
        assertThat(read.item().dependencies()).containsExactly("d");
    }

    @Test
    void aStoreEndsTheLoadSoASecondStoreThroughItsTokenIsRefused() {
        LoadToken plain = backend.beginLoad(key("a"));
        assertThat(backend.set(plain, CacheItem.of("first"))).isTrue();
        assertThat(backend.isStale(plain, Set.of())).as("an ended load").isTrue();
        assertThat(backend.set(plain, CacheItem.of("second"))).isFalse();
        assertThat(value("a")).isEqualTo("first");

        LoadToken withDependencies = backend.beginLoad(key("b"));
        assertThat(backend.set(withDependencies, CacheItem.of("first", null, null, List.of("d")))).isTrue();
        assertThat(backend.isStale(withDependencies, Set.of("d"))).as("an ended load").isTrue();
        assertThat(backend.set(withDependencies, CacheItem.of("second", null, null, List.of("d")))).isFalse();
        assertThat(value("b")).isEqualTo("first");
    }

    @Test
    void anAbandonedLoadOrAClosedBackendIsStale() {
        LoadToken abandoned = backend.beginLoad(key("a"));
        backend.abandon(abandoned);
        assertThat(backend.isStale(abandoned, Set.of())).isTrue();
        assertThat(backend.isStale(abandoned, null)).isTrue();

        LoadToken open = backend.beginLoad(key("b"));
        assertThat(backend.isStale(open, Set.of())).isFalse();
        backend.close();
        assertThat(backend.isStale(open, Set.of())).as("a closed backend stores nothing").isTrue();
    }

    @Test
    void anExpiredItemLeavesTheDependencyIndex() {
        // the item expired under "old" must not take a later item of the same key with it when "old" is invalidated
        LoadToken t = backend.beginLoad(key("a"));
        backend.set(t, CacheItem.of("A", Expiration.of(Duration.ofSeconds(10), null), List.of("old")));
        advance(Duration.ofSeconds(11));
        assertThat(value("a")).isEqualTo("<absent>");
        store("a", "A2", "new");
        backend.invalidateDependency("old");
        assertThat(value("a")).isEqualTo("A2");

        LoadToken u = backend.beginLoad(key("b"));
        backend.set(u, CacheItem.of("B", Expiration.of(Duration.ofSeconds(10), null), List.of("old")));
        advance(Duration.ofSeconds(11));
        backend.cleanUp();
        store("b", "B2", "new");
        backend.invalidateDependency("old");
        assertThat(value("b")).as("expired by cleanUp").isEqualTo("B2");
    }

    @Test
    void anEvictedItemLeavesTheDependencyIndex() {
        MemoryCachingBackend weighed = MemoryCachingBackend.builder()
                .maximumWeight(10, (k, item) -> (Integer) item.value()).executor(Runnable::run).build();
        try {
            weighed.set(weighed.beginLoad(key("a")), CacheItem.of(100, null, null, List.of("old")));
            weighed.cleanUp();
            assertThat(weighed.get(key("a"))).as("over the maximum weight").isNull();
            weighed.set(weighed.beginLoad(key("a")), CacheItem.of(1, null, null, List.of("new")));
            weighed.invalidateDependency("old");
            assertThat(weighed.get(key("a")).value()).isEqualTo(1);
        } finally {
            weighed.close();
        }
    }

    @Test
    void cleanUpRunsCaffeinesPendingEvictionsAtOnce() {
        // maintenance handed to an executor that has not run it yet, as a busy pool would
        List<Runnable> pending = new java.util.ArrayList<>();
        MemoryCachingBackend weighed = MemoryCachingBackend.builder()
                .maximumWeight(10, (k, item) -> (Integer) item.value()).executor(pending::add).build();
        try {
            weighed.set(weighed.beginLoad(key("heavy")), CacheItem.of(100));
            weighed.set(weighed.beginLoad(key("light")), CacheItem.of(1));
            weighed.cleanUp();
            assertThat(weighed.get(key("heavy"))).isNull();
            assertThat(weighed.estimatedSize()).isEqualTo(1);
        } finally {
            weighed.close();
        }
    }

    @Test
    void builderRejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> MemoryCachingBackend.builder().maximumSize(-5))
                .hasMessageContaining("maximumSize").hasMessageContaining("-5");
        assertThatThrownBy(() -> MemoryCachingBackend.builder().maximumSize(10).maximumWeight(10, (k, v) -> 1))
                .isInstanceOf(IllegalStateException.class);
    }
}
