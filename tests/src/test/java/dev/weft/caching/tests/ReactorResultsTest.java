package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, Reactor: a {@code @Cached} method returning {@code Mono} or {@code Flux} caches the value (a Flux as its
 * elements), not the publisher. Before, the publisher itself was stored and every subscription ran the work again.
 */
class ReactorResultsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Users {
        final AtomicInteger subscriptions = new AtomicInteger();
        final AtomicInteger assemblies = new AtomicInteger();
        volatile Sinks.One<String> pending;
        volatile boolean failing;

        @Cached(dependsOn = "user:{id}")
        Mono<String> name(int id) {
            assemblies.incrementAndGet();
            return Mono.defer(() -> {
                subscriptions.incrementAndGet();
                if (failing) {
                    return Mono.error(new IllegalStateException("directory down"));
                }
                Sinks.One<String> p = pending;
                return p != null ? p.asMono() : Mono.just("user " + id + " #" + subscriptions.get());
            });
        }

        /** When set, the Mono {@link #avatar} returns throws it when subscribed to (not when assembled). */
        volatile LinkageError linkFailure;

        @Cached
        Mono<String> avatar(int id) {
            assemblies.incrementAndGet();
            LinkageError failure = linkFailure;
            return Mono.fromCallable(() -> {
                if (failure != null) {
                    throw failure;
                }
                return "avatar " + id;
            });
        }

        @Cached
        Mono<String> nobody(int id) {
            subscriptions.incrementAndGet();
            return Mono.empty();
        }

        @Cached(dependsOn = "user:{id}")
        Flux<String> roles(int id) {
            return Flux.defer(() -> {
                subscriptions.incrementAndGet();
                return Flux.just("reader", "writer #" + subscriptions.get());
            });
        }

        @Cached
        Mono<String> whoAsks(int id) {
            return Mono.deferContextual(context -> {
                subscriptions.incrementAndGet();
                return Mono.just("asked by " + context.getOrDefault("user", "nobody"));
            });
        }
    }

    private final Users users = new Users();

    @Test
    void aMonoBodyRunsOnceForTwoSubscriptionsAndLaterCalls() {
        Mono<String> first = users.name(1);
        assertThat(first.block()).isEqualTo("user 1 #1");
        assertThat(first.block()).isEqualTo("user 1 #1");
        assertThat(users.name(1).block()).isEqualTo("user 1 #1");
        assertThat(users.subscriptions.get()).isEqualTo(1);
    }

    @Test
    void nothingRunsBeforeACallerSubscribes() {
        Mono<String> unused = users.name(2);
        assertThat(unused).isNotNull();
        assertThat(users.subscriptions.get()).as("the upstream is subscribed to by the first subscriber").isZero();
        assertThat(unused.block()).isEqualTo("user 2 #1");
    }

    @Test
    void concurrentSubscribersOnAMissShareOneUpstreamSubscription() throws Exception {
        users.pending = Sinks.one();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch subscribed = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> users.name(3).doOnSubscribe(s -> subscribed.countDown())
                        .block(Duration.ofSeconds(10))));
            }
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> users.subscriptions.get() == 1);
            users.pending.tryEmitValue("shared");
            for (Future<String> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
            }
            assertThat(users.subscriptions.get()).as("one upstream subscription for eight callers").isEqualTo(1);
            users.pending = null;
            assertThat(users.name(3).block()).isEqualTo("shared");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void errorsAreNotCached() {
        users.failing = true;
        assertThatThrownBy(() -> users.name(4).block()).isInstanceOf(IllegalStateException.class);
        users.failing = false;
        assertThat(users.name(4).block()).isEqualTo("user 4 #2");
        assertThat(users.name(4).block()).isEqualTo("user 4 #2");
    }

    @Test
    void aMonoThatThrowsAJvmFatalErrorWhenFirstSubscribedFailsTheCallersThatShareItAndTheNextCallLoadsAgain()
            throws Exception {
        // Reactor throws a JVM-fatal error out of subscribe() instead of signalling it. Fails without the fix in
        // ReactorShapes.subscribe: the load never ended, so the second caller waited (here past the 5 s bound; in
        // production until the load wait timeout, and for ever once it had subscribed) and later calls joined it.
        LinkageError failure = new LinkageError("simulated: a class the result needs cannot be linked");
        users.linkFailure = failure;
        Mono<String> first = users.avatar(7);
        Mono<String> second = users.avatar(7);   // joins the first call's load: the body ran once
        assertThat(users.assemblies.get()).isEqualTo(1);
        assertThatThrownBy(() -> first.subscribe(v -> { }, e -> { })).as("the first subscriber").isSameAs(failure);
        assertThatThrownBy(() -> second.toFuture().get(5, TimeUnit.SECONDS)).as("the caller that shares the load")
                .hasCauseReference(failure);
        users.linkFailure = null;
        assertThat(users.avatar(7).block(Duration.ofSeconds(5))).isEqualTo("avatar 7");
        assertThat(users.assemblies.get()).as("the next call loaded again").isEqualTo(2);
    }

    @Test
    void aCancelledSubscriberDoesNotCancelTheLoadForTheOthersAndNothingPartialIsCached() {
        users.pending = Sinks.one();
        Mono<String> first = users.name(5);
        Mono<String> second = users.name(5);
        reactor.core.Disposable cancelled = first.subscribe();
        cancelled.dispose();
        users.pending.tryEmitValue("after cancel");
        assertThat(second.block(Duration.ofSeconds(10))).isEqualTo("after cancel");
        users.pending = null;
        assertThat(users.name(5).block()).isEqualTo("after cancel");
        assertThat(users.subscriptions.get()).isEqualTo(1);
    }

    @Test
    void anEmptyMonoIsCachedAndReplayedEmptyLikeOptionalEmpty() {
        assertThat(users.nobody(6).blockOptional()).isEmpty();
        assertThat(users.nobody(6).blockOptional()).isEmpty();
        assertThat(users.subscriptions.get()).as("the body ran once").isEqualTo(1);
    }

    @Test
    void aFluxIsCachedAsItsElements() {
        assertThat(users.roles(7).collectList().block()).containsExactly("reader", "writer #1");
        assertThat(users.roles(7).collectList().block()).containsExactly("reader", "writer #1");
        assertThat(users.subscriptions.get()).isEqualTo(1);
    }

    @Test
    void invalidationByKeyAndByDependencyReachesReactiveEntries() {
        users.name(8).block();
        users.roles(8).collectList().block();
        CachingServices.invalidate(() -> users.name(8));
        assertThat(users.name(8).block()).isEqualTo("user 8 #3");
        CachingServices.invalidateDependency("user:8");
        assertThat(users.roles(8).collectList().block()).containsExactly("reader", "writer #4");
        assertThat(users.name(8).block()).isEqualTo("user 8 #5");
    }

    @Test
    void aLoadOverlappedByAnInvalidationIsReturnedToItsSubscribersButNotStored() {
        users.pending = Sinks.one();
        Mono<String> inFlight = users.name(9);
        reactor.core.Disposable subscribed = inFlight.subscribe();
        CachingServices.invalidateDependency("user:9");
        users.pending.tryEmitValue("read before the change");
        subscribed.dispose();
        users.pending = null;
        assertThat(users.name(9).block()).isEqualTo("user 9 #2");
    }

    @Test
    void theFirstSubscribersContextReachesTheSharedUpstream() {
        String got = users.whoAsks(10).contextWrite(reactor.util.context.Context.of("user", "alice")).block();
        assertThat(got).isEqualTo("asked by alice");
    }
}
