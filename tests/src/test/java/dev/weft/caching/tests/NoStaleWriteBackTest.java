package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DESIGN invariant 5: an invalidation that reaches the cache while a load of the same key (or of an item carrying the
 * invalidated dependency) is in flight keeps that load's result out of the cache. The loading caller still gets it.
 */
class NoStaleWriteBackTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    static class Prices {
        final AtomicInteger version = new AtomicInteger(1);
        final AtomicInteger bodies = new AtomicInteger();
        volatile CountDownLatch readDone = new CountDownLatch(1);
        volatile CountDownLatch mayReturn = new CountDownLatch(0);

        @Cached(dependsOn = "price:{sku}")
        int price(String sku) throws InterruptedException {
            bodies.incrementAndGet();
            int v = version.get();
            readDone.countDown();
            assertThat(mayReturn.await(30, TimeUnit.SECONDS)).isTrue();
            return v;
        }

        /** Gates the next load: it reads the version, then waits for the test. */
        void gateNextLoad() {
            readDone = new CountDownLatch(1);
            mayReturn = new CountDownLatch(1);
        }
    }

    private final Prices prices = new Prices();

    private void raceWith(Runnable invalidation) throws Exception {
        prices.gateNextLoad();
        Future<Integer> load = pool.submit(() -> prices.price("tea"));
        assertThat(prices.readDone.await(10, TimeUnit.SECONDS)).isTrue();
        prices.version.set(2);
        invalidation.run();
        prices.mayReturn.countDown();
        assertThat(load.get(10, TimeUnit.SECONDS)).as("the loading caller gets what it loaded").isEqualTo(1);
        assertThat(prices.price("tea")).as("but it was not stored").isEqualTo(2);
        assertThat(prices.bodies.get()).isEqualTo(2);
    }

    @Test
    void invalidatingTheKeyDuringALoadKeepsItsResultOut() throws Exception {
        raceWith(() -> CachingServices.invalidate(() -> prices.price("tea")));
    }

    @Test
    void invalidatingADependencyDuringALoadKeepsItsResultOut() throws Exception {
        raceWith(() -> CachingServices.invalidateDependency("price:tea"));
    }

    @Test
    void clearingDuringALoadKeepsItsResultOut() throws Exception {
        raceWith(CachingServices::clear);
    }

    @Test
    void aCallerThatJoinsTheLoadAfterTheInvalidationDoesNotGetTheStaleValue() throws Exception {
        prices.gateNextLoad();
        Future<Integer> owner = pool.submit(() -> prices.price("tea"));
        assertThat(prices.readDone.await(10, TimeUnit.SECONDS)).isTrue();
        prices.version.set(2);
        CachingServices.invalidateDependency("price:tea");
        // this read starts after the invalidation finished: it joins the load in flight, and must not get version 1
        long waitsBefore = CachingServices.statistics().total().waits();
        Future<Integer> late = pool.submit(() -> prices.price("tea"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> CachingServices.statistics().total().waits() > waitsBefore);
        prices.mayReturn.countDown();
        assertThat(owner.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void theStatisticsCountThePreventedWriteBack() throws Exception {
        long before = CachingServices.statistics().total().staleWriteBacksPrevented();
        raceWith(() -> CachingServices.invalidateDependency("price:tea"));
        assertThat(CachingServices.statistics().total().staleWriteBacksPrevented() - before).isEqualTo(1);
    }
}
