package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15 with DESIGN section 9: fail-safe, soft timeouts, eager refresh and auto-reload behave for {@code Mono} and
 * {@code Flux} results as they do for {@code CompletableFuture} ones ({@link ResilientLoadsTest},
 * {@link AutoReloadTest}; docs/annotations.md, "Reactive results"): an expired value may stand in, an invalidated one
 * or one older than the fail-safe period never does, and every stale value served is counted. Fake clock for the
 * expirations; the background reloads run on an executor the test drives.
 */
class ReactorResilientLoadsTest {

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
        final AtomicInteger subscriptions = new AtomicInteger();
        volatile boolean down;
        /** When set, the next subscriptions wait for this sink's value instead of reading the source. */
        volatile Sinks.One<String> held;

        @Cached(absoluteExpiration = "1m", failSafe = "1h", dependsOn = "price:{sku}")
        Mono<String> failSafe(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "1m", failSafe = "1h", softTimeout = "100ms", dependsOn = "price:{sku}")
        Mono<String> soft(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "100s", eagerRefresh = "80%", dependsOn = "price:{sku}")
        Mono<String> eager(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "1m", autoReload = true, dependsOn = "price:{sku}")
        Mono<String> autoReloaded(String sku) {
            return load(sku);
        }

        @Cached(absoluteExpiration = "1m", failSafe = "1h", dependsOn = "price:{sku}")
        Flux<String> history(String sku) {
            return Flux.defer(() -> {
                subscriptions.incrementAndGet();
                if (down) {
                    return Flux.concat(Flux.just(sku + " partial"),
                            Flux.error(new IllegalStateException("source down")));
                }
                return Flux.just(sku + " v" + (version.get() - 1), sku + " v" + version.get());
            });
        }

        private Mono<String> load(String sku) {
            return Mono.defer(() -> {
                subscriptions.incrementAndGet();
                if (down) {
                    return Mono.error(new IllegalStateException("source down"));
                }
                String value = sku + " v" + version.get();
                Sinks.One<String> h = held;
                return h == null ? Mono.just(value) : h.asMono().thenReturn(value);
            });
        }
    }

    private final Prices prices = new Prices();

    /** The counters of the methods of {@link Prices}, summed: other test classes' methods are counted apart. */
    private static CachingStatistics.Counters total() {
        return CachingServices.statistics().methods().entrySet().stream()
                .filter(e -> e.getKey().startsWith(Prices.class.getName() + "."))
                .map(Map.Entry::getValue)
                .reduce(CachingStatistics.Counters.zero(), CachingStatistics.Counters::plus);
    }

    private Object stored(String key) {
        CacheItem item = cache.backend.get(ItemKey.of(key));
        return item == null ? null : item.value();
    }

    private static final Duration BLOCK = Duration.ofSeconds(10);

    // ---- fail-safe --------------------------------------------------------------------------------------------------

    @Test
    void failSafeGivesTheExpiredValueWhenTheReloadingMonoErrors() {
        long activations = total().failSafeActivations();
        long staleServed = total().staleServed();
        assertThat(prices.failSafe("a").block(BLOCK)).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        assertThat(prices.failSafe("a").block(BLOCK)).as("the source is down: the expired value stands in")
                .isEqualTo("a v1");
        assertThat(total().failSafeActivations() - activations).isEqualTo(1);
        assertThat(total().staleServed() - staleServed).isEqualTo(1);
        prices.down = false;
        prices.version.set(2);
        assertThat(prices.failSafe("a").block(BLOCK)).as("nothing was stored for the failure: the next call reloads")
                .isEqualTo("a v2");
        assertThat(prices.subscriptions.get()).isEqualTo(3);
    }

    @Test
    void failSafeNeverGivesAnInvalidatedValueTheMonoErrors() {
        prices.failSafe("a").block(BLOCK);
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        CachingServices.invalidateDependency("price:a");
        long activations = total().failSafeActivations();
        assertThatThrownBy(() -> prices.failSafe("a").block(BLOCK)).isInstanceOf(IllegalStateException.class)
                .hasMessage("source down");
        assertThat(total().failSafeActivations() - activations).isZero();
    }

    @Test
    void failSafeNeverGivesAValueOlderThanItsPeriodPastExpiration() {
        prices.failSafe("a").block(BLOCK);
        cache.ticker.advance(Duration.ofMinutes(1).plus(Duration.ofHours(1)));
        prices.down = true;
        assertThatThrownBy(() -> prices.failSafe("a").block(BLOCK)).isInstanceOf(IllegalStateException.class)
                .hasMessage("source down");
    }

    @Test
    void anInvalidationWhileTheFailingReloadIsSubscribedKeepsTheExpiredValueFromStandingIn() {
        prices.failSafe("a").block(BLOCK);
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        Mono<String> reload = prices.failSafe("a");   // the expired item is read now; the body runs on subscription
        CachingServices.invalidateDependency("price:a");
        assertThatThrownBy(() -> reload.block(BLOCK)).as("the expired value was invalidated after it was read")
                .isInstanceOf(IllegalStateException.class).hasMessage("source down");
    }

    @Test
    void aFluxFallsBackToTheExpiredElementsWhenItsReloadErrorsPartWay() {
        long activations = total().failSafeActivations();
        prices.version.set(2);
        assertThat(prices.history("a").collectList().block(BLOCK)).containsExactly("a v1", "a v2");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.down = true;
        assertThat(prices.history("a").collectList().block(BLOCK))
                .as("all the expired elements, none of the partial reload").containsExactly("a v1", "a v2");
        assertThat(total().failSafeActivations() - activations).isEqualTo(1);
        CachingServices.invalidateDependency("price:a");
        assertThatThrownBy(() -> prices.history("a").collectList().block(BLOCK))
                .as("invalidated: nothing may stand in").isInstanceOf(IllegalStateException.class);
    }

    // ---- soft timeout -----------------------------------------------------------------------------------------------

    @Test
    void aSlowReloadGivesTheExpiredValueAfterTheSoftTimeoutThenTheNewValueWithoutWaiting() {
        CachingServices.setReloadExecutor(threads);
        long softTimeouts = total().softTimeouts();
        assertThat(prices.soft("a").block(BLOCK)).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.version.set(2);
        Sinks.One<String> gate = Sinks.one();
        prices.held = gate;
        long start = System.nanoTime();
        Mono<String> slow = prices.soft("a");
        // as docs/annotations.md says: a reload that may be left to the background starts with the call, on the
        // reload executor, not when (or whether) the caller subscribes
        await().atMost(BLOCK).until(() -> prices.subscriptions.get() == 2);
        assertThat(slow.block(BLOCK)).as("the reload is held: the expired value after the soft timeout")
                .isEqualTo("a v1");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMillis).as("waited about the soft timeout (100 ms), not the reload").isBetween(90L, 5_000L);
        assertThat(total().softTimeouts() - softTimeouts).isEqualTo(1);
        prices.held = null;
        gate.tryEmitValue("go");
        String key = Prices.class.getName() + ".soft(\"a\")";
        await().atMost(BLOCK).until(() -> "a v2".equals(stored(key)));
        int subscriptions = prices.subscriptions.get();
        assertThat(prices.soft("a").block(BLOCK)).isEqualTo("a v2");
        assertThat(prices.subscriptions.get()).as("served from the cache, no reload").isEqualTo(subscriptions);
    }

    @Test
    void aQuickReloadWithinTheSoftTimeoutGivesTheNewValue() {
        CachingServices.setReloadExecutor(threads);
        long softTimeouts = total().softTimeouts();
        prices.soft("a").block(BLOCK);
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.version.set(2);
        assertThat(prices.soft("a").block(BLOCK)).isEqualTo("a v2");
        assertThat(total().softTimeouts() - softTimeouts).isZero();
    }

    @Test
    void aSoftTimeoutNeverGivesAnInvalidatedValue() {
        CachingServices.setReloadExecutor(threads);
        long softTimeouts = total().softTimeouts();
        prices.soft("a").block(BLOCK);
        cache.ticker.advance(Duration.ofMinutes(2));
        prices.version.set(2);
        Sinks.One<String> gate = Sinks.one();
        prices.held = gate;
        Mono<String> slow = prices.soft("a");          // the expired item is read now, the reload starts
        CachingServices.invalidateDependency("price:a");
        CompletableFuture<String> caller = slow.toFuture();
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
                .until(() -> !caller.isDone());       // four soft timeouts long: the invalidated value never came
        gate.tryEmitValue("go");
        assertThat(caller).as("the caller gets the reload's value").succeedsWithin(BLOCK).isEqualTo("a v2");
        assertThat(total().softTimeouts() - softTimeouts).isZero();
    }

    // ---- eager refresh ----------------------------------------------------------------------------------------------

    @Test
    void eagerRefreshStartsOneBackgroundReloadAfterTheFractionAndCallersNeverWait() {
        CachingServices.setReloadExecutor(manual::add);
        long background = total().backgroundLoads();
        assertThat(prices.eager("a").block(BLOCK)).isEqualTo("a v1");
        cache.ticker.advance(Duration.ofSeconds(79));
        assertThat(prices.eager("a").block(BLOCK)).isEqualTo("a v1");
        assertThat(manual).as("before 80% of the expiration").isEmpty();
        cache.ticker.advance(Duration.ofSeconds(2));
        prices.version.set(2);
        assertThat(prices.eager("a").block(BLOCK)).as("the current value, at once").isEqualTo("a v1");
        assertThat(prices.eager("a").block(BLOCK)).isEqualTo("a v1");
        assertThat(manual).as("one background reload per key").hasSize(1);
        assertThat(prices.subscriptions.get()).isEqualTo(1);
        manual.poll().run();
        assertThat(prices.subscriptions.get()).as("the background reload subscribed by itself").isEqualTo(2);
        assertThat(prices.eager("a").block(BLOCK)).isEqualTo("a v2");
        assertThat(prices.subscriptions.get()).isEqualTo(2);
        assertThat(total().backgroundLoads() - background).isEqualTo(1);
    }

    @Test
    void eagerRefreshNeverServesAnInvalidatedValue() {
        CachingServices.setReloadExecutor(manual::add);
        prices.eager("a").block(BLOCK);
        cache.ticker.advance(Duration.ofSeconds(81));
        prices.version.set(2);
        CachingServices.invalidateDependency("price:a");
        assertThat(prices.eager("a").block(BLOCK)).isEqualTo("a v2");
        assertThat(manual).isEmpty();
    }

    @Test
    void anEagerRefreshOverlappedByAnInvalidationIsNotStored() {
        CachingServices.setReloadExecutor(manual::add);
        prices.eager("a").block(BLOCK);
        cache.ticker.advance(Duration.ofSeconds(81));
        prices.eager("a").block(BLOCK);
        Sinks.One<String> gate = Sinks.one();
        prices.held = gate;
        manual.poll().run();                          // the reload reads v1 and is held
        prices.held = null;
        prices.version.set(2);
        CachingServices.invalidateDependency("price:a");
        gate.tryEmitValue("go");
        assertThat(prices.eager("a").block(BLOCK)).as("the refresh read v1 before the change").isEqualTo("a v2");
    }

    // ---- auto-reload ------------------------------------------------------------------------------------------------

    @Test
    void autoReloadServesTheExpiredValueWhileOneBackgroundReloadRunsButNeverAnInvalidatedOne() {
        CachingServices.setReloadExecutor(manual::add);
        long staleServed = total().staleServed();
        prices.autoReloaded("a").block(BLOCK);
        prices.version.set(2);
        cache.ticker.advance(Duration.ofSeconds(90));
        assertThat(prices.autoReloaded("a").block(BLOCK)).isEqualTo("a v1");
        assertThat(prices.autoReloaded("a").block(BLOCK)).isEqualTo("a v1");
        assertThat(manual).as("one reload for the key").hasSize(1);
        manual.poll().run();
        assertThat(prices.autoReloaded("a").block(BLOCK)).isEqualTo("a v2");
        assertThat(total().staleServed() - staleServed).isEqualTo(2);

        cache.ticker.advance(Duration.ofSeconds(90));
        prices.version.set(3);
        CachingServices.invalidateDependency("price:a");
        assertThat(prices.autoReloaded("a").block(BLOCK)).as("invalidated: the caller waits for the new value")
                .isEqualTo("a v3");
        assertThat(manual).isEmpty();
    }
}
