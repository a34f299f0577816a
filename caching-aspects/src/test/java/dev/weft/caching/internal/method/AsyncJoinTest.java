package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
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
import java.util.concurrent.TimeUnit;
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
}
