package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DESIGN invariant 4: concurrent misses on one key run the body once; other keys are not blocked. */
class SingleFlightTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        CachingServices.setProfile(CachingProfile.builder("single-flight-short-wait").build());
    }

    static class Slow {
        final AtomicInteger bodies = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean fail;

        @Cached
        String value(String key) throws InterruptedException {
            bodies.incrementAndGet();
            if (key.equals("blocked")) {
                entered.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                if (fail) {
                    throw new IllegalStateException("source failed for " + key);
                }
            }
            return "value of " + key;
        }

        @Cached(profile = "single-flight-short-wait")
        String shortWait(String key) throws InterruptedException {
            bodies.incrementAndGet();
            if (bodies.get() == 1) {
                entered.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            }
            return "value " + bodies.get();
        }

        @Cached
        long factorial(int n) {
            bodies.incrementAndGet();
            return n <= 1 ? 1 : n * factorial(n - 1);
        }

        @Cached
        int recursiveSameKey(int n) {
            bodies.incrementAndGet();
            return bodies.get() < 3 ? recursiveSameKey(n) : 42;
        }
    }

    private final Slow slow = new Slow();

    private long waits() {
        return CachingServices.statistics().methods().entrySet().stream()
                .filter(e -> e.getKey().contains("SingleFlightTest$Slow.value("))
                .mapToLong(e -> e.getValue().waits()).sum();
    }

    @Test
    void sixteenConcurrentCallersRunTheBodyOnceAndShareItsResult() throws Exception {
        long waitsBefore = waits();
        List<Future<String>> results = new ArrayList<>();
        results.add(pool.submit(() -> slow.value("blocked")));
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 15; i++) {
            results.add(pool.submit(() -> slow.value("blocked")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> waits() - waitsBefore == 15);
        slow.release.countDown();
        for (Future<String> f : results) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("value of blocked");
        }
        assertThat(slow.bodies.get()).isEqualTo(1);
    }

    @Test
    void otherKeysAreNotBlockedByALoadInFlight() throws Exception {
        Future<String> blocked = pool.submit(() -> slow.value("blocked"));
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.submit(() -> slow.value("other")).get(10, TimeUnit.SECONDS)).isEqualTo("value of other");
        assertThat(blocked.isDone()).isFalse();
        slow.release.countDown();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo("value of blocked");
    }

    @Test
    void waitersGetTheOwnersExceptionAndNothingIsCached() throws Exception {
        long waitsBefore = waits();
        slow.fail = true;
        List<Future<String>> results = new ArrayList<>();
        results.add(pool.submit(() -> slow.value("blocked")));
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 3; i++) {
            results.add(pool.submit(() -> slow.value("blocked")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> waits() - waitsBefore == 3);
        slow.release.countDown();
        for (Future<String> f : results) {
            assertThat(catchCause(f)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("source failed for blocked");
        }
        slow.fail = false;
        assertThat(slow.value("blocked")).isEqualTo("value of blocked");
        assertThat(slow.bodies.get()).isEqualTo(2);
    }

    private static Throwable catchCause(Future<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aWaiterThatTimesOutRunsTheBodyItselfWithoutCaching() throws Exception {
        CachingServices.setProfile(CachingProfile.builder("single-flight-short-wait")
                .loadWaitTimeout(Duration.ofMillis(50)).build());
        Future<String> owner = pool.submit(() -> slow.shortWait("k"));
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.shortWait("k")).as("ran uncached after 50 ms").isEqualTo("value 2");
        slow.release.countDown();
        assertThat(owner.get(10, TimeUnit.SECONDS)).isEqualTo("value 2");
        assertThat(slow.shortWait("k")).as("the owner's result was stored").isEqualTo("value 2");
        assertThat(slow.bodies.get()).isEqualTo(2);
    }

    @Test
    void recursionOnDifferentKeysIsCachedPerKey() {
        assertThat(slow.factorial(5)).isEqualTo(120);
        assertThat(slow.factorial(6)).isEqualTo(720);
        assertThat(slow.bodies.get()).as("factorial(6) reused factorial(5)").isEqualTo(6);
    }

    @Test
    void recursionOnTheSameKeyDoesNotDeadlock() {
        assertThat(slow.recursiveSameKey(1)).isEqualTo(42);
        assertThat(slow.recursiveSameKey(1)).isEqualTo(42);
        assertThat(slow.bodies.get()).isEqualTo(3);
    }
}
