package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code CachingServices.invalidate(() -> ...)} and {@code refresh(() -> ...)} intercept the call. */
class ImperativeInvalidationTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Stock {
        final AtomicInteger version = new AtomicInteger();
        final AtomicInteger bodies = new AtomicInteger();

        @Cached
        int level(String sku) {
            bodies.incrementAndGet();
            return version.get();
        }

        @Cached
        String label(String sku) {
            bodies.incrementAndGet();
            return sku + " v" + version.get();
        }

        int notCached(String sku) {
            return 0;
        }
    }

    private final Stock stock = new Stock();

    @Test
    void invalidateRemovesTheEntryWithoutRunningTheBody() {
        assertThat(stock.level("a")).isEqualTo(0);
        stock.version.set(1);
        CachingServices.invalidate(() -> stock.level("a"));
        assertThat(stock.bodies.get()).as("the body did not run").isEqualTo(1);
        assertThat(stock.level("a")).isEqualTo(1);
    }

    @Test
    void invalidateLeavesOtherArgumentsAlone() {
        stock.level("a");
        stock.level("b");
        stock.version.set(1);
        CachingServices.invalidate(() -> stock.level("a"));
        assertThat(stock.level("b")).isEqualTo(0);
    }

    @Test
    void refreshRunsTheBodyAndReplacesTheEntry() {
        assertThat(stock.label("a")).isEqualTo("a v0");
        stock.version.set(2);
        assertThat(CachingServices.refresh(() -> stock.label("a"))).isEqualTo("a v2");
        assertThat(stock.label("a")).isEqualTo("a v2");
        assertThat(stock.bodies.get()).isEqualTo(2);
    }

    @Test
    void aLambdaWithoutACachedCallIsAnError() {
        assertThatThrownBy(() -> CachingServices.invalidate(() -> stock.notCached("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("called no @Cached method");
    }

    @Test
    void aLambdaWithTwoCachedCallsIsAnErrorThatSaysToEvaluateArgumentsFirst() {
        assertThatThrownBy(() -> CachingServices.invalidate(() -> stock.label(stock.label("a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("called 2 @Cached methods")
                .hasMessageContaining("Evaluate the arguments before the lambda");
    }

    @Test
    void invalidateDependencyIsAcceptedWithoutDependents() {
        stock.level("a");
        CachingServices.invalidateDependency("nothing:depends:on:this");
        stock.level("a");
        assertThat(stock.bodies.get()).isEqualTo(1);
    }

    @Test
    void clearRemovesEverything() {
        stock.level("a");
        stock.label("b");
        CachingServices.clear();
        stock.level("a");
        stock.label("b");
        assertThat(stock.bodies.get()).isEqualTo(4);
    }
}
