package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        CompletableFuture<String> stuck = remote.stuck("a");
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(5)).until(() -> true);
        CompletableFuture<String> next = remote.stuck("a");
        assertThat(remote.bodies.get()).as("the second call did not join the stuck load").isEqualTo(2);
        remote.pending.get(1).complete("A");
        assertThat(next.join()).isEqualTo("A");
        assertThat(stuck).isNotDone();
        remote.pending.get(0).complete("old");
    }

    @Test
    void completionStageResultsAreCachedToo() {
        assertThat(remote.size("abc").toCompletableFuture().join()).isEqualTo(3);
        assertThat(remote.size("abc").toCompletableFuture().join()).isEqualTo(3);
        assertThat(remote.bodies.get()).isEqualTo(1);
    }
}
