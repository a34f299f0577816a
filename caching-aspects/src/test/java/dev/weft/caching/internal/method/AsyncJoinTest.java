package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.caching.internal.method.CachedMethodTest.call;
import static dev.weft.caching.internal.method.CachedMethodTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Callers that join another caller's load of an asynchronous method: they share its future only when no invalidation
 * overlapped the load; else they load themselves. Driven as the woven advice drives them.
 */
class AsyncJoinTest {

    static final String TAKEOVER = "async-join-test-takeover";

    static {
        // long enough for a joiner to join the first load (checked), short enough for the test to wait it out
        CachingRuntime.setProfile(CachingProfile.builder(TAKEOVER).loadWaitTimeout(Duration.ofSeconds(1)).build());
    }

    @SuppressWarnings("unused")
    static class Svc {
        @Cached
        CompletableFuture<String> find(int id) {
            return CompletableFuture.completedFuture("f" + id);
        }

        @Cached
        Mono<String> lazy(int id) {
            return Mono.just("l" + id);
        }

        @Cached(profile = TAKEOVER)
        CompletableFuture<String> hangs(int id) {
            return new CompletableFuture<>();
        }

        @Cached(profile = TAKEOVER)
        Mono<String> lazyHangs(int id) {
            return Mono.never();
        }
    }

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    final ScriptedBackend backend = new ScriptedBackend();
    private CachingBackend previous;
    private CachedMethod m;
    private ItemKey key;

    @BeforeEach
    void setUp() throws Exception {
        CachingRuntime.setEnabled(true);
        previous = CachingRuntime.setBackend(backend);
        m = new CachedMethod(Svc.class.getDeclaredMethod("find", int.class), new String[] {"id"});
        key = key(m, 1);
    }

    @AfterEach
    void restoreBackend() {
        if (previous != null) {
            CachingRuntime.setBackend(previous);
        } else {
            CachingRuntime.resetBackend(backend);
        }
    }

    private CompletableFuture<Object> joiner(String value) {
        return CompletableFuture.supplyAsync(() -> call(m, () -> CompletableFuture.completedFuture(value), 1));
    }

    private void awaitWaiter() {
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Object> future(Object result) {
        return (CompletableFuture<Object>) result;
    }

    @Test
    void withNoInvalidationSinceTheLoadBeganAJoinerSharesTheOwnersFuture() throws Exception {
        backend.stale = false;
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<Object> joiner = joiner("joiner ran");
        awaitWaiter();
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Object> ownersView = future(owner.complete(body));
        body.complete("owner");
        assertThat(ownersView.get(5, TimeUnit.SECONDS)).isEqualTo("owner");
        assertThat(future(joiner.get(5, TimeUnit.SECONDS)).get(5, TimeUnit.SECONDS)).isEqualTo("owner");
        assertThat(backend.valueOf(key)).isEqualTo("owner");
    }

    @Test
    void aJoinerOfALoadThatAnInvalidationMayHaveOverlappedLoadsItself() throws Exception {
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<Object> joiner = joiner("joiner");
        awaitWaiter();
        // the owner's body returned; its result is still to come
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Object> ownersView = future(owner.complete(body));
        assertThat(future(joiner.get(5, TimeUnit.SECONDS)).get(5, TimeUnit.SECONDS)).isEqualTo("joiner");
        body.complete("owner");
        assertThat(ownersView.get(5, TimeUnit.SECONDS)).isEqualTo("owner");
        assertThat(m.statistics().snapshot().misses()).as("the joiner's own load").isEqualTo(2);
    }

    @Test
    void whenTheBackendCannotTellWhetherTheLoadIsStaleTheJoinerLoadsItself() throws Exception {
        backend.stale = false;
        backend.failIsStale = true;
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<Object> joiner = joiner("joiner");
        awaitWaiter();
        // the owner's body returned; its result is still to come
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Object> ownersView = future(owner.complete(body));
        assertThat(future(joiner.get(5, TimeUnit.SECONDS)).get(5, TimeUnit.SECONDS)).isEqualTo("joiner");
        body.complete("owner");
        assertThat(ownersView.get(5, TimeUnit.SECONDS)).isEqualTo("owner");
        assertThat(log.atInfoOrAbove()).extracting(LogRecorder.Line::text).anySatisfy(t -> assertThat(t).startsWith(
                m.display() + ": the caching backend failed to tell whether a load is stale; loading again"));
    }

    @Test
    void aJoinerOfABodyThatThrewGetsItsFailure() throws Exception {
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<Object> joiner = joiner("joiner ran");
        awaitWaiter();
        IllegalStateException failure = new IllegalStateException("database down");
        assertThatThrownBy(() -> owner.failed(failure)).isSameAs(failure);
        CompletableFuture<Object> shared = future(joiner.get(5, TimeUnit.SECONDS));
        assertThatThrownBy(() -> shared.get(5, TimeUnit.SECONDS)).hasCauseReference(failure);
    }

    @Test
    void anInterruptedJoinerRunsTheBodyUncachedAndKeepsItsInterrupt() throws Exception {
        Load owner = m.load(key, null, new Object[] {1});
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread joiner = new Thread(() -> {
            result.set(call(m, () -> CompletableFuture.completedFuture("joiner ran"), 1));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        joiner.start();
        awaitWaiter();
        joiner.interrupt();
        joiner.join(5_000);
        assertThat(future(result.get()).get()).isEqualTo("joiner ran");
        assertThat(stillInterrupted).isTrue();
        assertThat(m.statistics().snapshot().uncachedCalls()).isEqualTo(1);
        assertThat(future(owner.complete(CompletableFuture.completedFuture("owner"))).get()).isEqualTo("owner");
    }

    @Test
    void aFutureThatFailsEndsTheLoadStoresNothingAndFailsItsCallers() throws Exception {
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Object> ownersView = future(owner.complete(body));
        IllegalStateException failure = new IllegalStateException("database down");
        body.completeExceptionally(failure);
        assertThatThrownBy(() -> ownersView.get(5, TimeUnit.SECONDS)).hasCauseReference(failure);
        assertThat(backend.abandoned).containsExactlyElementsOf(backend.begun);
        assertThat(backend.items).isEmpty();
        assertThat(m.flights.size()).as("the next call loads again").isZero();
        assertThat(m.statistics().snapshot().loadFailures()).isEqualTo(1);
    }

    @Test
    void aBodyThatReturnsNoFutureEndsTheLoadAndStoresNothing() {
        assertThat(call(m, () -> null, 1)).isNull();
        assertThat(backend.abandoned).containsExactlyElementsOf(backend.begun);
        assertThat(backend.items).isEmpty();
        assertThat(m.flights.size()).as("the next call loads again").isZero();
    }

    @Test
    void aLazyResultStartsOnceWhenAJoinerSubscribesEvenIfTheOwnersCallerNeverDoes() throws Exception {
        backend.stale = false;
        CachedMethod lazy = new CachedMethod(Svc.class.getDeclaredMethod("lazy", int.class), new String[] {"id"});
        ItemKey lazyKey = key(lazy, 1);
        Load owner = lazy.load(lazyKey, null, new Object[] {1});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(
                () -> call(lazy, () -> Mono.just("joiner ran"), 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> lazy.statistics().snapshot().waits() == 1);
        AtomicInteger subscriptions = new AtomicInteger();
        Mono<String> body = Mono.fromCallable(() -> {
            subscriptions.incrementAndGet();
            return "owner";
        });
        Mono<?> ownersView = (Mono<?>) owner.complete(body);
        Mono<?> joinersView = (Mono<?>) joiner.get(5, TimeUnit.SECONDS);
        assertThat(subscriptions).as("lazy until someone subscribes").hasValue(0);
        assertThat(joinersView.block(Duration.ofSeconds(5))).isEqualTo("owner");
        assertThat(ownersView.block(Duration.ofSeconds(5))).isEqualTo("owner");
        assertThat(subscriptions).hasValue(1);
        assertThat(backend.valueOf(lazyKey)).isEqualTo("owner");
    }

    /** Waits, polling, until the load wait timeout of the flight that began at {@code started} has passed. */
    private static void awaitDeadline(long started) {
        // the condition under test is the passing of the deadline itself (the profile's 1 s)
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - started > 1_100_000_000L);
    }

    /**
     * A load whose future never completes is taken over past its deadline; the callers that already shared it (a
     * joiner, and the owner's own caller) follow the load that took it over, as synchronous waiters do. Fails
     * without the fix in {@code SingleFlight.supersede}: nothing completed the old flight's future, and they waited
     * for ever ({@code get} timed out).
     */
    @Test
    void callersSharingALoadThatNeverCompletesFollowTheLoadThatTookItOver() throws Exception {
        backend.stale = false;
        CachedMethod hangs = new CachedMethod(Svc.class.getDeclaredMethod("hangs", int.class), new String[] {"id"});
        ItemKey hangsKey = key(hangs, 1);
        long started = System.nanoTime();
        Load owner = hangs.load(hangsKey, null, new Object[] {1});
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletableFuture<Object> ownersView = future(owner.complete(never));
        CompletableFuture<Object> joined = future(call(hangs, () -> CompletableFuture.completedFuture("joiner ran"), 1));
        assertThat(hangs.statistics().snapshot().waits()).as("joined within the deadline").isEqualTo(1);
        assertThat(hangs.statistics().snapshot().waitTimeouts()).isZero();

        awaitDeadline(started);
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Object> taker = future(call(hangs, () -> body, 1));
        assertThat(hangs.statistics().snapshot().waitTimeouts()).as("taken over").isEqualTo(1);
        assertThat(joined).isNotDone();
        body.complete("new");

        assertThat(taker.get(5, TimeUnit.SECONDS)).isEqualTo("new");
        assertThat(joined.get(5, TimeUnit.SECONDS)).as("the joiner followed the new load").isEqualTo("new");
        assertThat(ownersView.get(5, TimeUnit.SECONDS)).as("so did the hung owner's caller").isEqualTo("new");
        assertThat(backend.valueOf(hangsKey)).isEqualTo("new");
        never.complete("old");
        assertThat(backend.valueOf(hangsKey)).as("the late result is not stored").isEqualTo("new");
    }

    /**
     * A joiner inside a cached body passed the hung load's dependencies up to that body when it joined; the load that
     * took the hung one over collects its own, which may differ. So that joiner fails once the load it joined is taken
     * over (a {@code TimeoutException}, as past the load wait timeout), and the enclosing result is not stored, rather
     * than be built on the new value with the old load's dependencies. Fails without {@code unlessTakenOver} in
     * {@code CachedMethod.joinAsync}: the enclosing call stored "outer+new".
     */
    @Test
    void aNestedJoinerOfALoadTakenOverFailsAndItsEnclosingResultIsNotStored() throws Exception {
        backend.stale = false;
        CachedMethod hangs = new CachedMethod(Svc.class.getDeclaredMethod("hangs", int.class), new String[] {"id"});
        CachedMethod outer = new CachedMethod(Svc.class.getDeclaredMethod("find", int.class), new String[] {"id"});
        ItemKey hangsKey = key(hangs, 1);
        long started = System.nanoTime();
        Load owner = hangs.load(hangsKey, null, new Object[] {1});
        CompletableFuture<Object> ownersView = future(owner.complete(new CompletableFuture<String>()));
        CountDownLatch joined = new CountDownLatch(1);
        CompletableFuture<Object> enclosing = CompletableFuture.supplyAsync(() -> future(call(outer, () -> {
            CompletableFuture<Object> nested = future(call(hangs, () -> CompletableFuture.completedFuture("ran"), 1));
            joined.countDown();
            return CompletableFuture.completedFuture("outer+" + nested.join());
        }, 7))).thenCompose(f -> f);
        assertThat(joined.await(5, TimeUnit.SECONDS)).as("the nested call joined the hung load").isTrue();
        assertThat(hangs.statistics().snapshot().waits()).isEqualTo(1);

        awaitDeadline(started);
        CompletableFuture<Object> taker = future(call(hangs, () -> CompletableFuture.completedFuture("new"), 1));
        assertThat(taker.get(5, TimeUnit.SECONDS)).isEqualTo("new");

        assertThatThrownBy(() -> enclosing.get(5, TimeUnit.SECONDS)).as("the nested joiner failed")
                .hasRootCauseInstanceOf(TimeoutException.class).hasMessageContaining("taken over");
        assertThat(backend.valueOf(key(outer, 7))).as("nothing stored for the enclosing call").isNull();
        assertThat(ownersView.get(5, TimeUnit.SECONDS)).as("a caller outside any body follows").isEqualTo("new");
    }

    /**
     * As above for a lazy result (a {@code Mono}): the joiner's subscription starts the result of the load that took
     * the hung one over, although that load's own caller never subscribes. Fails without the fix in
     * {@code SingleFlight.supersede} ({@code block} timed out).
     */
    @Test
    void aSubscriberOfALazyLoadThatNeverSignalsFollowsAndStartsTheLoadThatTookItOver() throws Exception {
        backend.stale = false;
        CachedMethod lazy = new CachedMethod(Svc.class.getDeclaredMethod("lazyHangs", int.class),
                new String[] {"id"});
        ItemKey lazyKey = key(lazy, 1);
        long started = System.nanoTime();
        Load owner = lazy.load(lazyKey, null, new Object[] {1});
        Mono<?> ownersView = (Mono<?>) owner.complete(Mono.never());
        Mono<?> joined = (Mono<?>) call(lazy, () -> Mono.just("joiner ran"), 1);
        assertThat(lazy.statistics().snapshot().waits()).as("joined within the deadline").isEqualTo(1);
        CompletableFuture<?> subscribed = joined.toFuture();
        CompletableFuture<?> ownerSubscribed = ownersView.toFuture();

        awaitDeadline(started);
        AtomicInteger subscriptions = new AtomicInteger();
        Object taker = call(lazy, () -> Mono.fromCallable(() -> {
            subscriptions.incrementAndGet();
            return "new";
        }), 1);
        assertThat(taker).isInstanceOf(Mono.class);
        assertThat(lazy.statistics().snapshot().waitTimeouts()).as("taken over").isEqualTo(1);

        assertThat(subscribed.get(5, TimeUnit.SECONDS)).as("the subscriber followed the new load").isEqualTo("new");
        assertThat(ownerSubscribed.get(5, TimeUnit.SECONDS)).isEqualTo("new");
        assertThat(subscriptions).as("started once, by the forwarded subscription").hasValue(1);
        assertThat(backend.valueOf(lazyKey)).isEqualTo("new");
    }
}
