package dev.weft.docs.testing;

import dev.weft.caching.CachedMethodInfo;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/testing.md: a fresh cache per test on a clock the test moves, caching switched off, counters compared. Runs with
 * the documentation tests, so the page's recipes are known to work.
 */
@ResourceLock("dev.weft.caching")
class ProductServiceTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ProductService service = new ProductService();
    private MemoryCachingBackend cache;

    @BeforeEach
    void freshCache() {
        cache = MemoryCachingBackend.builder().ticker(nanos::get).build();
        CachingServices.setDefaultBackend(cache);
    }

    @AfterEach
    void closeCache() {
        CachingServices.resetDefaultBackend(cache);
        cache.close();
    }

    @Test
    void aSecondCallIsAHit() {
        service.getProduct(1);
        service.getProduct(1);
        assertThat(service.loads()).isEqualTo(1);
    }

    @Test
    void anEntryExpiresAfterTenMinutes() {
        service.getProduct(1);
        nanos.addAndGet(Duration.ofMinutes(10).toNanos());
        service.getProduct(1);
        assertThat(service.loads()).isEqualTo(2);
    }

    @Test
    void withCachingOffEveryCallRunsTheBody() {
        CachingServices.setEnabled(false);
        try {
            service.getProduct(1);
            service.getProduct(1);
            assertThat(service.loads()).isEqualTo(2);
        } finally {
            CachingServices.setEnabled(true);
        }
    }

    @Test
    void hitsAndMissesAreCountedSinceASnapshot() {
        CachingStatistics.Counters before = countersOf(ProductService.class, "getProduct");
        service.getProduct(1);
        service.getProduct(1);
        CachingStatistics.Counters counted = countersOf(ProductService.class, "getProduct").minus(before);
        assertThat(counted.misses()).isEqualTo(1);
        assertThat(counted.hits()).isEqualTo(1);
    }

    static CachingStatistics.Counters countersOf(Class<?> type, String method) {
        return CachingServices.cachedMethods().stream()
                .filter(m -> m.method().getDeclaringClass() == type && m.method().getName().equals(method))
                .map(CachedMethodInfo::statistics)
                .reduce(CachingStatistics.Counters.zero(), CachingStatistics.Counters::plus);
    }
}
