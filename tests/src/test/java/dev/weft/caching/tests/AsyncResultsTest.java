package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** DESIGN invariant 3, asynchronous part: futures cache their completed value, never a failure. */
class AsyncResultsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Remote {
        final AtomicInteger bodies = new AtomicInteger();
        final List<CompletableFuture<String>> pending = new ArrayList<>();

        /** Returns a future the test completes by hand. */
        @Cached
        CompletableFuture<String> fetch(String id) {
            bodies.incrementAndGet();
            CompletableFuture<String> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Cached(profile = "async-short-wait")
        CompletableFuture<String> stuck(String id) {
            bodies.incrementAndGet();
            CompletableFuture<String> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Cached(dependsOn = "remote:{id}")
        CompletableFuture<String> describe(String id) {
            bodies.incrementAndGet();
            CompletableFuture<String> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        final CountDownLatch slowEntered = new CountDownLatch(1);
        final CountDownLatch slowRelease = new CountDownLatch(1);

        /** Blocks in its synchronous part until the test releases it, then returns a future completed by hand. */
        @Cached(dependsOn = "remote:{id}")
        CompletableFuture<String> slow(String id) throws InterruptedException {
            bodies.incrementAndGet();
            CompletableFuture<String> f = new CompletableFuture<>();
            synchronized (pending) {
                pending.add(f);
            }
            slowEntered.countDown();
            slowRelease.await();
            return f;
        }

        final AtomicInteger summaries = new AtomicInteger();

        /** Calls {@link #slow} in its body: the summary depends on what the slow call depends on. */
        @Cached
        CompletableFuture<String> summary(String id) throws InterruptedException {
            summaries.incrementAndGet();
            return slow(id).thenApply(v -> "summary of " + v);
        }

        @Cached
        CompletionStage<Integer> size(String id) {
            bodies.incrementAndGet();
            return CompletableFuture.completedFuture(id.length());
        }
    }

    static {
        dev.weft.caching.CachingServices.setProfile(dev.weft.caching.CachingProfile.builder("async-short-wait").build());
    }

    private final Remote remote = new Remote();

    @Test
    void theCompletedValueIsCachedAndAHitIsAnAlreadyCompletedFuture() {
        CompletableFuture<String> first = remote.fetch("a");
        remote.pending.get(0).complete("A");
        assertThat(first.join()).isEqualTo("A");
        CompletableFuture<String> second = remote.fetch("a");
        assertThat(second).isCompletedWithValue("A");
        assertThat(remote.bodies.get()).isEqualTo(1);
    }

    @Test
    void concurrentCallersShareTheOneInFlightFutureWithoutBlocking() {
        CompletableFuture<String> a = remote.fetch("a");
        CompletableFuture<String> b = remote.fetch("a");
        CompletableFuture<String> c = remote.fetch("a");
        assertThat(remote.bodies.get()).isEqualTo(1);
        assertThat(List.of(a, b, c)).allMatch(f -> !f.isDone());
        remote.pending.get(0).complete("A");
        assertThat(List.of(a.join(), b.join(), c.join())).containsOnly("A");
    }

    @Test
    void eachCallerGetsItsOwnFutureSoOneCancelDoesNotFailTheOthers() {
        CompletableFuture<String> a = remote.fetch("a");
        CompletableFuture<String> b = remote.fetch("a");
        a.cancel(true);
        remote.pending.get(0).complete("A");
        assertThat(b.join()).isEqualTo("A");
        assertThat(remote.fetch("a")).isCompletedWithValue("A");
    }

    @Test
    void aFailedFutureIsNotCachedAndItsJoinersSeeTheFailure() {
        CompletableFuture<String> a = remote.fetch("a");
        CompletableFuture<String> b = remote.fetch("a");
        remote.pending.get(0).completeExceptionally(new IllegalStateException("remote down"));
        assertThatThrownBy(a::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("remote down");
        assertThatThrownBy(b::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("remote down");
        CompletableFuture<String> retry = remote.fetch("a");
        assertThat(remote.bodies.get()).isEqualTo(2);
        remote.pending.get(1).complete("A");
        assertThat(retry.join()).isEqualTo("A");
    }

    @Test
    void aCancelledFutureIsNotCached() {
        CompletableFuture<String> a = remote.fetch("a");
        remote.pending.get(0).cancel(true);
        assertThatThrownBy(a::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CancellationException.class);
        CompletableFuture<String> retry = remote.fetch("a");
        assertThat(remote.bodies.get()).isEqualTo(2);
        remote.pending.get(1).complete("A");
        assertThat(retry.join()).isEqualTo("A");
    }

    @Test
    void aFutureThatNeverCompletesDoesNotCaptureItsKeyPastTheWaitTimeout() {
        dev.weft.caching.CachingServices.setProfile(dev.weft.caching.CachingProfile.builder("async-short-wait")
                .loadWaitTimeout(java.time.Duration.ofMillis(1)).build());
        long started = System.nanoTime();
        CompletableFuture<String> stuck = remote.stuck("a");
        // the condition under test is the passing of the wait timeout itself: wait until it has passed
        await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> System.nanoTime() - started > java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2));
        CompletableFuture<String> next = remote.stuck("a");
        assertThat(remote.bodies.get()).as("the second call did not join the stuck load").isEqualTo(2);
        remote.pending.get(1).complete("A");
        assertThat(next.join()).isEqualTo("A");
        // the stuck call's own future follows the load that took its load over, rather than wait for ever
        assertThat(stuck).isCompletedWithValue("A");
        remote.pending.get(0).complete("old");
        assertThat(remote.stuck("a")).as("the late result is not stored").isCompletedWithValue("A");
        assertThat(remote.bodies.get()).isEqualTo(2);
    }

    // ---- DESIGN invariant 5 for futures: a caller that starts after an invalidation never shares a load it overlapped

    @Test
    void aCallerAfterAKeyInvalidationDoesNotShareTheLoadItOverlapped() {
        CompletableFuture<String> before = remote.fetch("a");
        CompletableFuture<String> joined = remote.fetch("a");
        assertThat(remote.bodies.get()).as("no invalidation yet: the second caller joins").isEqualTo(1);
        CachingServices.invalidate(() -> remote.fetch("a"));
        CompletableFuture<String> after = remote.fetch("a");
        assertThat(remote.bodies.get()).as("the caller after the invalidation loads again").isEqualTo(2);

        remote.pending.get(0).complete("old");
        remote.pending.get(1).complete("new");
        assertThat(before.join()).isEqualTo("old");
        assertThat(joined.join()).isEqualTo("old");
        assertThat(after.join()).isEqualTo("new");
        assertThat(remote.fetch("a")).isCompletedWithValue("new");
        assertThat(remote.bodies.get()).isEqualTo(2);
    }

    @Test
    void aCallerAfterADependencyInvalidationDoesNotShareTheLoadItOverlapped() {
        CompletableFuture<String> before = remote.describe("a");
        CachingServices.invalidateDependency("remote:a");
        CompletableFuture<String> after = remote.describe("a");
        assertThat(remote.bodies.get()).isEqualTo(2);

        remote.pending.get(1).complete("new");
        remote.pending.get(0).complete("old");
        assertThat(before.join()).isEqualTo("old");
        assertThat(after.join()).isEqualTo("new");
        assertThat(remote.describe("a")).as("the overlapped load stored nothing").isCompletedWithValue("new");
    }

    @Test
    void aCallerAfterAClearDoesNotShareTheLoadItOverlapped() {
        CompletableFuture<String> before = remote.fetch("a");
        CachingServices.clear();
        CompletableFuture<String> after = remote.fetch("a");
        assertThat(remote.bodies.get()).isEqualTo(2);

        remote.pending.get(0).complete("old");
        remote.pending.get(1).complete("new");
        assertThat(before.join()).isEqualTo("old");
        assertThat(after.join()).isEqualTo("new");
        assertThat(remote.fetch("a")).isCompletedWithValue("new");
    }

    @Test
    void anInvalidationOfADependencyWhileTheBodyRunsIsSeenByACallerWaitingForIt() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<CompletableFuture<String>> owner = threads.submit(() -> remote.slow("a"));
            assertThat(remote.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
            // the owner's body is running: its dependencies are not known yet, so nobody can share its result
            CachingServices.invalidateDependency("remote:a");
            long waitsBefore = CachingServices.statistics().total().waits();
            Future<CompletableFuture<String>> later = threads.submit(() -> remote.slow("a"));
            await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> CachingServices.statistics().total().waits() > waitsBefore);
            assertThat(later).as("the later caller waits for the body to return").isNotDone();
            remote.slowRelease.countDown();

            CompletableFuture<String> first = owner.get(10, TimeUnit.SECONDS);
            CompletableFuture<String> second = later.get(10, TimeUnit.SECONDS);
            assertThat(remote.bodies.get()).as("the later caller loaded again").isEqualTo(2);
            synchronized (remote.pending) {
                remote.pending.get(0).complete("old");
                remote.pending.get(1).complete("new");
            }
            assertThat(first.join()).isEqualTo("old");
            assertThat(second.join()).isEqualTo("new");
            assertThat(remote.slow("a")).isCompletedWithValue("new");
        } finally {
            remote.slowRelease.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aCallerJoiningWhileTheBodyRunsDoesNotBlockWhenNothingWasInvalidated() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<CompletableFuture<String>> owner = threads.submit(() -> remote.slow("a"));
            assertThat(remote.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
            // the owner's body is still blocked: a joiner that had to wait for it would not return
            CompletableFuture<String> joined = threads.submit(() -> remote.slow("a")).get(10, TimeUnit.SECONDS);
            assertThat(joined).isNotDone();
            remote.slowRelease.countDown();
            CompletableFuture<String> first = owner.get(10, TimeUnit.SECONDS);
            synchronized (remote.pending) {
                remote.pending.get(0).complete("A");
            }
            assertThat(first.join()).isEqualTo("A");
            assertThat(joined.join()).isEqualTo("A");
            assertThat(remote.bodies.get()).isEqualTo(1);
        } finally {
            remote.slowRelease.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aNestedCallJoiningALoadPassesItsDependenciesUpToTheEnclosingCall() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<CompletableFuture<String>> owner = threads.submit(() -> remote.slow("a"));
            assertThat(remote.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
            long waitsBefore = CachingServices.statistics().total().waits();
            Future<CompletableFuture<String>> summary = threads.submit(() -> remote.summary("a"));
            // the nested call needs the load's dependencies for the summary, so it waits for the body to return
            await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> CachingServices.statistics().total().waits() > waitsBefore);
            remote.slowRelease.countDown();
            owner.get(10, TimeUnit.SECONDS);
            CompletableFuture<String> first = summary.get(10, TimeUnit.SECONDS);
            synchronized (remote.pending) {
                remote.pending.get(0).complete("v1");
            }
            assertThat(first.join()).isEqualTo("summary of v1");
            assertThat(remote.summary("a")).isCompletedWithValue("summary of v1");
            assertThat(remote.bodies.get()).isEqualTo(1);

            CachingServices.invalidateDependency("remote:a");
            CompletableFuture<String> second = remote.summary("a");
            assertThat(remote.summaries.get()).as("the summary carried the slow call's dependency").isEqualTo(2);
            synchronized (remote.pending) {
                remote.pending.get(1).complete("v2");
            }
            assertThat(second.join()).isEqualTo("summary of v2");
        } finally {
            remote.slowRelease.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void completionStageResultsAreCachedToo() {
        assertThat(remote.size("abc").toCompletableFuture().join()).isEqualTo(3);
        assertThat(remote.size("abc").toCompletableFuture().join()).isEqualTo(3);
        assertThat(remote.bodies.get()).isEqualTo(1);
    }
}
