package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * DESIGN section 9: fail-safe, soft timeouts and eager refresh may serve an expired value, never an invalidated one,
 * and never one older than the fail-safe period past its expiration; every stale value served is counted.
 */
class ResilientLoadsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private final BlockingQueue<Runnable> manual = new LinkedBlockingQueue<>();
    private ExecutorService threads;

    @BeforeEach
    void executors() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void restore() throws InterruptedException {
        CachingServices.setReloadExecutor(Runnable::run);
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    static class Prices {
        final AtomicInteger version = new AtomicInteger(1);
        final AtomicInteger bodies = new AtomicInteger();
        volatile boolean down;
        volatile CountDownLatch gate;

        @Cached(absoluteExpiration = "1m", failSafe = "1h", dependsOn = "price:{sku}")
        String failSafe(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "1m", failSafe = "1h", softTimeout = "100ms", dependsOn = "price:{sku}")
        String soft(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "100s", eagerRefresh = "80%", dependsOn = "price:{sku}")
        String eager(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "1m", failSafe = "1h", dependsOn = "price:{sku}")
        CompletableFuture<String> async(String sku) {
            bodies.incrementAndGet();
            if (down) {
                return CompletableFuture.failedFuture(new IllegalStateException("source down"));
            }
            return CompletableFuture.completedFuture(sku + " v" + version.get());
        }

        private String load(String sku) {
            bodies.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (down) {
                throw new IllegalStateException("source down");
            }
            return sku + " v" + version.get();
        }
    }

    private final Prices prices = new Prices();

    /** The counters of the methods of {@link Prices}, summed: other test classes' methods are counted apart. */
    private static CachingStatistics.Counters total() {
        return CachingServices.statistics().methods().entrySet().stream()
                .filter(e -> e.getKey().startsWith(Prices.class.getName() + "."))
                .map(java.util.Map.Entry::getValue)
                .reduce(CachingStatistics.Counters.zero(), CachingStatistics.Counters::plus);
    }

    @Test
    void failSafeReturnsTheExpiredValueWhenTheReloadThrows() {
        long before = total().failSafeActivations();
        assertThat(prices.failSafe("a")).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        assertThat(prices.failSafe("a")).as("the source is down: the expired value stands in").isEqualTo("a v1");
        assertThat(total().failSafeActivations() - before).isEqualTo(1);
        prices.down = false;
        prices.version.set(2);
        assertThat(prices.failSafe("a")).as("the next call reloads again").isEqualTo("a v2");
    }

    @Test
    void failSafeNeverReturnsAnInvalidatedValue() {
        prices.failSafe("a");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        CachingServices.invalidateDependency("price:a");
        assertThatThrownBy(() -> prices.failSafe("a")).isInstanceOf(IllegalStateException.class)
                .hasMessage("source down");
    }

    @Test
    void failSafeNeverReturnsAValueOlderThanItsPeriodPastExpiration() {
        prices.failSafe("a");
        cache.ticker.advance(Duration.ofMinutes(1).plus(Duration.ofHours(1)));
        prices.down = true;
        assertThatThrownBy(() -> prices.failSafe("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFreshEntryIsAHitNoFailSafeInvolved() {
        prices.failSafe("a");
        prices.down = true;
        assertThat(prices.failSafe("a")).isEqualTo("a v1");
        assertThat(prices.bodies.get()).isEqualTo(1);
    }

    @Test
    void anAsynchronousMethodFallsBackToTheExpiredValueWhenItsFutureFails() {
        assertThat(prices.async("a").join()).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        assertThat(prices.async("a").join()).isEqualTo("a v1");
        CachingServices.invalidateDependency("price:a");
        assertThat(prices.async("a")).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void aSlowReloadGivesTheExpiredValueAfterTheSoftTimeoutThenTheNewValueWithoutWaiting() throws Exception {
        CachingServices.setReloadExecutor(threads);
        long softTimeoutsBefore = total().softTimeouts();
        assertThat(prices.soft("a")).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.version.set(2);
        CountDownLatch gate = new CountDownLatch(1);
        prices.gate = gate;
        long start = System.nanoTime();
        assertThat(prices.soft("a")).as("the reload is held: the expired value after the soft timeout")
                .isEqualTo("a v1");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMillis).as("waited about the soft timeout (100 ms), not the reload")
                .isBetween(90L, 5_000L);
        assertThat(total().softTimeouts() - softTimeoutsBefore).isEqualTo(1);
        prices.gate = null;
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> "a v2".equals(stored(Prices.class.getName() + ".soft(\"a\")")));
        int bodies = prices.bodies.get();
        assertThat(prices.soft("a")).isEqualTo("a v2");
        assertThat(prices.bodies.get()).as("served from the cache, no wait").isEqualTo(bodies);
    }

    private Object stored(String key) {
        dev.weft.caching.backend.CacheItem item = cache.backend.get(dev.weft.caching.backend.ItemKey.of(key));
        return item == null ? null : item.value();
    }

    @Test
    void aQuickReloadWithinTheSoftTimeoutGivesTheNewValue() {
        CachingServices.setReloadExecutor(threads);
        prices.soft("a");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.version.set(2);
        assertThat(prices.soft("a")).isEqualTo("a v2");
    }

    @Test
    void eagerRefreshStartsOneBackgroundReloadAfterTheFractionAndCallersNeverWait() {
        CachingServices.setReloadExecutor(manual::add);
        long backgroundBefore = total().backgroundLoads();
        assertThat(prices.eager("a")).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofSeconds(79));
        assertThat(prices.eager("a")).isEqualTo("a v1");
        assertThat(manual).as("before 80% of the expiration").isEmpty();
        cache.ticker.advance(Duration.ofSeconds(2));
        prices.version.set(2);
        assertThat(prices.eager("a")).as("the current value, at once").isEqualTo("a v1");
        assertThat(prices.eager("a")).isEqualTo("a v1");
        assertThat(prices.eager("a")).isEqualTo("a v1");
        assertThat(manual).as("one background reload per key").hasSize(1);
        assertThat(prices.bodies.get()).isEqualTo(1);
        manual.poll().run();
        assertThat(prices.eager("a")).isEqualTo("a v2");
        assertThat(prices.bodies.get()).isEqualTo(2);
        assertThat(total().backgroundLoads() - backgroundBefore).isEqualTo(1);
    }

    @Test
    void eagerRefreshNeverServesAnInvalidatedValue() {
        CachingServices.setReloadExecutor(manual::add);
        prices.eager("a");
        cache.ticker.advance(Duration.ofSeconds(81));
        prices.version.set(2);
        CachingServices.invalidateDependency("price:a");
        assertThat(prices.eager("a")).isEqualTo("a v2");
        assertThat(manual).isEmpty();
    }

    @Test
    void settingsComeFromTheProfileToo() {
        CachingServices.setProfile(CachingProfile.builder("resilient").absoluteExpiration(Duration.ofMinutes(1))
                .failSafe(Duration.ofHours(1)).softTimeout(Duration.ofMillis(50)).eagerRefresh(0.5).build());
        CachingProfile p = CachingServices.getProfile("resilient");
        assertThat(p.failSafe()).isEqualTo(Duration.ofHours(1));
        assertThat(p.softTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(p.eagerRefresh()).isEqualTo(0.5);
        assertThatThrownBy(() -> CachingProfile.builder("bad").eagerRefresh(1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eagerRefresh");
    }
}
