package dev.weft.caching.internal.method;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.weft.caching.internal.method.CachedMethodTest.cached;
import static dev.weft.caching.internal.method.CachedMethodTest.call;
import static dev.weft.caching.internal.method.CachedMethodTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How a load ends when its result cannot be taken as it is (its dependencies cannot be rendered, its asynchronous
 * result cannot be started, it was built on an expired value), and what a caller that came while another caller
 * loads is counted as: the owner's caller gets the failure, the flight is released so that its joiners are not left
 * waiting and the next call runs the body again. Driven as the woven advice drives them.
 */
class LoadReleaseTest {

    /** A key parameter whose key text the body can break: after the key was made, before the result is stored. */
    static final class Region implements CacheKey {
        private final String code;
        volatile boolean renamed;

        Region(String code) {
            this.code = code;
        }

        @Override
        public String toCacheKey() {
            if (renamed) {
                throw new IllegalStateException("region renamed while it was loaded");
            }
            return code;
        }
    }

    @SuppressWarnings("unused")
    static class Svc {
        @Cached(dependsOn = "region:{region}")
        String shops(Region region) {
            return "shops in " + region.toCacheKey();
        }

        @Cached
        Mono<String> lazy(int id) {
            return Mono.just("l" + id);
        }

        @Cached
        Flux<String> lazyMany(int id) {
            return Flux.just("l" + id);
        }

        @Cached(absoluteExpiration = "1h", autoReload = true)
        String reloaded(int id) {
            return "r" + id;
        }
    }

    /** When set, the item a read finds expired is invalidated right after that read, as by another instance. */
    volatile boolean invalidateAfterStaleRead;

    final ScriptedBackend backend = new ScriptedBackend() {
        @Override
        public ItemRead read(ItemKey key) {
            ItemRead read = super.read(key);
            if (read != null && read.state() == ItemRead.State.STALE && invalidateAfterStaleRead) {
                invalidate(key.canonical());
            }
            return read;
        }
    };
    @RegisterExtension
    final InstalledBackend installed = new InstalledBackend(backend);

    private static CachedMethod method(String name, Class<?>... types) throws NoSuchMethodException {
        return new CachedMethod(Svc.class.getDeclaredMethod(name, types), new String[] {types.length == 1
                && types[0] == Region.class ? "region" : "id"});
    }

    private static void awaitWaits(CachedMethod m, long waits) {
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == waits);
    }

    @Test
    void whenTheDependenciesCannotBeRenderedTheCallerAndItsJoinerGetTheFailureAndTheNextCallLoadsAgain()
            throws Exception {
        CachedMethod m = method("shops", Region.class);
        Region region = new Region("eu");
        ItemKey key = key(m, region);
        Load owner = m.load(key, null, new Object[] {region});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(
                () -> call(m, () -> "joiner ran", new Region("eu")));
        awaitWaits(m, 1);
        region.renamed = true;   // the body changed its argument: the dependency template cannot render it now
        assertThatThrownBy(() -> owner.complete("shops")).isInstanceOf(IllegalStateException.class)
                .hasMessage("region renamed while it was loaded");
        assertThatThrownBy(() -> joiner.get(5, TimeUnit.SECONDS)).as("the joiner is not left waiting")
                .hasRootCauseMessage("region renamed while it was loaded");
        assertThat(backend.abandoned).as("the token is ended").containsExactly(backend.begun.get(0));
        assertThat(backend.items).isEmpty();

        assertThat(call(m, () -> "loaded again", new Region("eu"))).isEqualTo("loaded again");
        assertThat(backend.valueOf(key)).isEqualTo("loaded again");
        assertThat(backend.items.get(key.canonical()).dependencies()).containsExactly("region:eu");
    }

    @Test
    void whenALazyResultCannotBeStartedItsSubscribedJoinerGetsTheFailureAndTheNextCallLoadsAgain() throws Exception {
        backend.stale = false;   // no invalidation since the load began: the joiner shares the owner's result at once
        CachedMethod m = method("lazy", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        Mono<?> joinersView = (Mono<?>) CompletableFuture.supplyAsync(() -> call(m, () -> Mono.just("joiner ran"), 1))
                .get(5, TimeUnit.SECONDS);
        // the joiner subscribes before the owner's body returned: the body's Mono is subscribed to when it returns
        CompletableFuture<?> joined = joinersView.toFuture();
        IllegalStateException cause = new IllegalStateException("cannot subscribe");
        Mono<String> unstartable = new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                // a fatal error, which Reactor throws out of subscribe() instead of signalling it
                throw Exceptions.bubble(cause);
            }
        };
        assertThatThrownBy(() -> owner.complete(unstartable)).satisfies(t ->
                assertThat(Exceptions.unwrap(t)).isSameAs(cause));
        assertThatThrownBy(() -> joined.get(5, TimeUnit.SECONDS)).as("the joiner is not left waiting")
                .hasRootCause(cause);
        assertThat(backend.abandoned).as("the token is ended").containsExactly(backend.begun.get(0));

        Mono<?> next = (Mono<?>) call(m, () -> Mono.just("loaded again"), 1);
        assertThat(next.block(Duration.ofSeconds(5))).isEqualTo("loaded again");
        assertThat(backend.valueOf(key)).isEqualTo("loaded again");
    }

    @Test
    void whenALazyResultCannotBeStartedWithAJvmFatalErrorItsSubscribedJoinerGetsTheErrorAndTheNextCallLoadsAgain()
            throws Exception {
        // Fails without the fix in Owner.completeAsync, which ended the load only for a RuntimeException: the error
        // left the flight open and its shared result incomplete, so the subscribed joiner waited (here until the
        // 5 s bound below; in production until the load wait timeout, and then for ever) and the next call joined.
        backend.stale = false;
        CachedMethod m = method("lazy", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        Mono<?> joinersView = (Mono<?>) CompletableFuture.supplyAsync(() -> call(m, () -> Mono.just("joiner ran"), 1))
                .get(5, TimeUnit.SECONDS);
        CompletableFuture<?> joined = joinersView.toFuture();
        LinkageError fatal = new LinkageError("simulated: a class the result needs cannot be linked");
        assertThatThrownBy(() -> owner.complete(failingWhenSubscribed(fatal))).isSameAs(fatal);
        assertThatThrownBy(() -> joined.get(5, TimeUnit.SECONDS)).as("the joiner is not left waiting")
                .hasCauseReference(fatal);
        assertThat(backend.abandoned).as("the token is ended").containsExactly(backend.begun.get(0));
        assertThat(m.flights.size()).isZero();

        Mono<?> next = (Mono<?>) call(m, () -> Mono.just("loaded again"), 1);
        assertThat(next.block(Duration.ofSeconds(5))).isEqualTo("loaded again");
        assertThat(backend.valueOf(key)).isEqualTo("loaded again");
    }

    @Test
    void aLazyResultThatThrowsABubblingExceptionWhenFirstSubscribedFailsItsJoinerAndTheNextCallLoadsAgain()
            throws Exception {
        IllegalStateException cause = new IllegalStateException("cannot subscribe");
        lazyResultFatalWhenFirstSubscribedAfterTheBodyReturned(Exceptions.bubble(cause), cause);
    }

    @Test
    void aLazyResultThatThrowsAJvmFatalErrorWhenFirstSubscribedFailsItsJoinerAndTheNextCallLoadsAgain()
            throws Exception {
        LinkageError fatal = new LinkageError("simulated: a class the result needs cannot be linked");
        lazyResultFatalWhenFirstSubscribedAfterTheBodyReturned(fatal, fatal);
    }

    @Test
    void aLazyFluxThatThrowsAJvmFatalErrorWhenFirstSubscribedFailsItsJoinerAndTheNextCallLoadsAgain()
            throws Exception {
        // Fails without the fix in ReactorShapes.subscribe, as the Mono case above: a Flux is subscribed to through
        // the same path (its elements collected into a list), and Reactor throws the error out of it alike.
        backend.stale = false;
        CachedMethod m = method("lazyMany", int.class);
        ItemKey key = key(m, 1);
        LinkageError fatal = new LinkageError("simulated: a class the result needs cannot be linked");
        Load owner = m.load(key, null, new Object[] {1});
        Flux<?> ownersView = (Flux<?>) owner.complete(new Flux<String>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                throw fatal;
            }
        });
        Flux<?> joinersView = (Flux<?>) CompletableFuture.supplyAsync(() -> call(m, () -> Flux.just("joiner ran"), 1))
                .get(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> ownersView.subscribe(v -> { }, e -> { })).as("the first subscriber")
                .isSameAs(fatal);
        assertThatThrownBy(() -> joinersView.collectList().toFuture().get(5, TimeUnit.SECONDS))
                .as("the joiner is not left waiting").hasCauseReference(fatal);
        assertThat(m.flights.size()).as("the flight is over").isZero();

        Flux<?> next = (Flux<?>) call(m, () -> Flux.just("loaded", "again"), 1);
        assertThat(next.collectList().block(Duration.ofSeconds(5))).isEqualTo(List.of("loaded", "again"));
    }

    /**
     * The body returns a lazy result that throws {@code fatal} (an error Reactor throws out of {@code subscribe()}
     * instead of signalling it, {@code Exceptions.throwIfFatal}) only when it is subscribed to, which happens when the
     * first caller subscribes, after the body returned. That caller gets it thrown; the load ends with it: a joiner
     * that shares the load gets the failure at once, the token is ended, and the next call loads again.
     *
     * <p>Fails without the fix in {@code ReactorShapes.subscribe}: the throw left the load's future incomplete and
     * its flight open, so the joiner waited (here until the 5 s bound below; in production until the load wait
     * timeout, and a joiner that had subscribed for ever) and the next call joined the dead load.
     */
    private void lazyResultFatalWhenFirstSubscribedAfterTheBodyReturned(Throwable fatal, Throwable cause)
            throws Exception {
        backend.stale = false;   // no invalidation since the load began: the joiner shares the owner's result
        CachedMethod m = method("lazy", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        Mono<?> ownersView = (Mono<?>) owner.complete(failingWhenSubscribed(fatal));
        Mono<?> joinersView = (Mono<?>) CompletableFuture.supplyAsync(() -> call(m, () -> Mono.just("joiner ran"), 1))
                .get(5, TimeUnit.SECONDS);
        assertThat(m.statistics().snapshot().waits()).as("it joined the owner's load").isEqualTo(1);

        assertThatThrownBy(() -> ownersView.subscribe(v -> { }, e -> { })).as("the first subscriber")
                .isSameAs(fatal);
        assertThatThrownBy(() -> joinersView.toFuture().get(5, TimeUnit.SECONDS)).as("the joiner is not left waiting")
                .satisfies(t -> assertThat(Exceptions.unwrap(t.getCause())).isSameAs(cause));
        assertThat(backend.abandoned).as("the token is ended").containsExactly(backend.begun.get(0));
        assertThat(m.flights.size()).as("the flight is over").isZero();
        assertThat(m.statistics().snapshot().loadFailures()).isEqualTo(1);

        Mono<?> next = (Mono<?>) call(m, () -> Mono.just("loaded again"), 1);
        assertThat(next.block(Duration.ofSeconds(5))).isEqualTo("loaded again");
        assertThat(backend.valueOf(key)).isEqualTo("loaded again");
    }

    /** A lazy result whose subscription throws {@code fatal}, which Reactor then throws on out of subscribe(). */
    private static Mono<String> failingWhenSubscribed(Throwable fatal) {
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                if (fatal instanceof Error) {
                    throw (Error) fatal;
                }
                throw (RuntimeException) fatal;
            }
        };
    }

    @Test
    void aJoinerDoesNotTakeAResultBuiltOnAnExpiredValueAndLoadsItself() throws Exception {
        CachedMethod outer = cached("name", int.class);
        CachedMethod inner = cached("resilient", int.class);
        backend.putExpired(key(inner, 3), CacheItem.of("expired"));
        Load owner = outer.load(key(outer, 1), null, new Object[] {1});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(outer, () -> "fresh", 1));
        awaitWaits(outer, 1);
        // the owner's body: its nested call fails and is answered with the expired value (fail-safe)
        Object built = "outer+" + call(inner, () -> {
            throw new IllegalStateException("database down");
        }, 3);
        assertThat(owner.complete(built)).isEqualTo("outer+expired");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).as("its own load, not the owner's result").isEqualTo("fresh");
        assertThat(backend.valueOf(key(outer, 1))).isEqualTo("fresh");
        assertThat(outer.statistics().snapshot().misses()).isEqualTo(2);
    }

    @Test
    void aCallerThatFindsTheExpiredValueGoneWhileAnotherReloadsWaitsForTheReloadAndIsCountedAsWaiting()
            throws Exception {
        CachedMethod m = method("reloaded", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        backend.putExpired(key, CacheItem.of("expired"));
        invalidateAfterStaleRead = true;
        CompletableFuture<Object> caller = CompletableFuture.supplyAsync(() -> call(m, () -> "caller ran", 1));
        awaitWaits(m, 1);
        assertThat(owner.complete("reloaded")).isEqualTo("reloaded");
        assertThat(caller.get(5, TimeUnit.SECONDS)).as("the reload's value, not the invalidated one")
                .isEqualTo("reloaded");
        assertThat(m.statistics().snapshot().staleServed()).isZero();
        assertThat(m.statistics().snapshot().waits()).isEqualTo(1);
        assertThat(m.statistics().snapshot().misses()).isEqualTo(1);
    }
}
