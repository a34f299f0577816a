package dev.weft.caching.micrometer;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters read Weft's counters: a method's hits and misses, its loads, the backend's size. */
class WeftMetricsTest {

    static class Quotes {
        @Cached
        long quote(String sku) {
            return sku.length();
        }
    }

    static class Prices {
        @Cached
        long price(String sku) {
            return sku.length();
        }
    }

    static class Rates {
        volatile boolean down;

        @Cached(absoluteExpiration = "1m", failSafe = "1h")
        long rate(String currency) {
            if (down) {
                throw new IllegalStateException("rates service down");
            }
            return currency.length();
        }
    }

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final MemoryCachingBackend backend = MemoryCachingBackend.builder().recordStatistics(true)
            .ticker(clock::get).build();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        backend.close();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void hitsMissesPutsAndLoadsOfAMethodAreMeteredUnderCacheConventions() {
        CachingServices.setDefaultBackend(backend);
        WeftMetrics.create().backend(backend).bindTo(registry);
        Prices prices = new Prices();
        prices.price("tea");
        prices.price("tea");
        prices.price("tea");
        prices.price("coffee");
        String cache = "dev.weft.caching.micrometer.WeftMetricsTest$Prices.price";
        assertThat(count("cache.gets", "cache", cache, "result", "hit")).isEqualTo(2);
        assertThat(count("cache.gets", "cache", cache, "result", "miss")).isEqualTo(2);
        assertThat(count("cache.puts", "cache", cache)).isEqualTo(2);
        FunctionTimer loads = registry.get("weft.load.duration").tags("cache", cache, "profile", "default")
                .functionTimer();
        assertThat(loads.count()).isEqualTo(2);
        assertThat(loads.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.get("cache.size").tags("cache", "weft").gauge().value()).isEqualTo(2);
    }

    @Test
    void expiredValuesServedAreMeteredByReason() {
        CachingServices.setDefaultBackend(backend);
        WeftMetrics.create().bindTo(registry);
        Rates rates = new Rates();
        rates.rate("eur");
        clock.addAndGet(TimeUnit.MINUTES.toNanos(2));
        rates.down = true;
        assertThat(rates.rate("eur")).as("the expired value stands in for the failed reload").isEqualTo(3);
        String cache = "dev.weft.caching.micrometer.WeftMetricsTest$Rates.rate";
        assertThat(count("weft.stale.served", "cache", cache)).isEqualTo(1);
        assertThat(count("weft.stale.failsafe", "cache", cache)).isEqualTo(1);
        assertThat(count("weft.stale.soft.timeout", "cache", cache)).isZero();
        assertThat(count("weft.load.background", "cache", cache)).isZero();
        assertThat(count("weft.load.takeovers", "cache", cache)).isZero();
    }

    @Test
    void afterCloseMethodsUsedForTheFirstTimeAreNotMetered() {
        CachingServices.setDefaultBackend(backend);
        WeftMetrics metrics = WeftMetrics.create();
        metrics.bindTo(registry);
        metrics.close();
        new Quotes().quote("tea");
        assertThat(registry.find("cache.gets")
                .tag("cache", "dev.weft.caching.micrometer.WeftMetricsTest$Quotes.quote").meters()).isEmpty();
    }
}
