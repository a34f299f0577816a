package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.testing.LogRecorder;
import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The miss path of one cached method, driven the way the woven advice drives it ({@code lookup}, then {@code load},
 * then the body and {@code complete} or {@code failed}) against a scripted backend. Each test builds its own
 * {@link CachedMethod}: the registry keeps one per method for the life of the JVM, so a test through woven classes
 * would reuse the metadata an earlier test built.
 */
class CachedMethodTest {

    static final String OFF = "cached-method-test-off";
    static final String SHORT_WAIT = "cached-method-test-short-wait";

    static {
        CachingRuntime.setProfile(CachingProfile.builder(OFF).enabled(false).build());
        CachingRuntime.setProfile(CachingProfile.builder(SHORT_WAIT).loadWaitTimeout(Duration.ofSeconds(1)).build());
    }

    @SuppressWarnings("unused")
    static class Svc {
        @Cached
        String name(int id) {
            return "n" + id;
        }

        @Cached(failSafe = "1h")
        String resilient(int id) {
            return "r" + id;
        }

        @Cached(dependsOn = "order:{b}")
        String pair(int a, int b) {
            return a + "/" + b;
        }

        @Cached(profile = OFF)
        String off(int id) {
            return "o" + id;
        }

        @Cached(profile = SHORT_WAIT)
        String quick(int id) {
            return "q" + id;
        }

        @Cached
        boolean flag(int id) {
            return true;
        }

        @Cached
        char letter(int id) {
            return 'x';
        }

        @Cached
        byte smallest(int id) {
            return 1;
        }

        @Cached
        short small(int id) {
            return 1;
        }

        @Cached
        int count(int id) {
            return 1;
        }

        @Cached
        long big(int id) {
            return 1;
        }

        @Cached
        float ratio(int id) {
            return 1;
        }

        @Cached
        double precise(int id) {
            return 1;
        }
    }

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    final ScriptedBackend backend = new ScriptedBackend();
    @RegisterExtension
    final InstalledBackend installed = new InstalledBackend(backend);

    static CachedMethod cached(String name, Class<?>... types) throws NoSuchMethodException {
        Method m = Svc.class.getDeclaredMethod(name, types);
        String[] names = new String[types.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = m.getParameters()[i].getName();
        }
        return new CachedMethod(m, names);
    }

    static ItemKey key(CachedMethod m, Object... args) {
        return m.keys().keyOf(null, args);
    }

    /** What the woven advice does for one call. */
    static Object call(CachedMethod m, Supplier<Object> body, Object... args) {
        ItemKey key = key(m, args);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, null, args);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = body.get();
        } catch (RuntimeException e) {
            return load.failed(e);
        }
        return load.complete(returned);
    }

    // ---- imperative invalidation ----------------------------------------------------------------------------------

    @Test
    void anInvalidatedCallOfAPrimitiveMethodReturnsThatTypesZeroForTheAdviceToUnbox() throws Exception {
        // CachingServices.invalidate(() -> svc.count(7)): the intercepted call answers without running the body, and
        // the advice unboxes that answer into the method's return type, so it must be that type's zero, boxed
        assertThat(invalidatedAnswer(cached("flag", int.class))).isEqualTo(Boolean.FALSE);
        assertThat(invalidatedAnswer(cached("letter", int.class))).isEqualTo((char) 0);
        assertThat(invalidatedAnswer(cached("smallest", int.class))).isEqualTo((byte) 0);
        assertThat(invalidatedAnswer(cached("small", int.class))).isEqualTo((short) 0);
        assertThat(invalidatedAnswer(cached("count", int.class))).isEqualTo(0);
        assertThat(invalidatedAnswer(cached("big", int.class))).isEqualTo(0L);
        assertThat(invalidatedAnswer(cached("ratio", int.class))).isEqualTo(0f);
        assertThat(invalidatedAnswer(cached("precise", int.class))).isEqualTo(0d);
        assertThat(invalidatedAnswer(cached("name", int.class))).isNull();
    }

    private Object invalidatedAnswer(CachedMethod m) {
        AtomicReference<Object> answer = new AtomicReference<>(this);
        ItemKey key = key(m, 7);
        backend.put(key, CacheItem.of("cached"));
        CachingServices.invalidate(() -> {
            Load load = m.load(key, null, new Object[] {7});
            assertThat(load.mustRun()).as("an invalidation does not run the body").isFalse();
            answer.set(load.result());
            return null;
        });
        assertThat(backend.invalidated).as("the key removed").endsWith(key.canonical());
        assertThat(m.statistics().snapshot().invalidations()).isEqualTo(1);
        return answer.get();
    }

    // ---- metadata ---------------------------------------------------------------------------------------------------

    @Test
    void aDependencyTemplateRendersTheNamedKeyParameter() throws Exception {
        CachedMethod m = cached("pair", int.class, int.class);
        assertThat(m.dependenciesOf(new Object[] {1, 2}, Set.of())).containsExactly("order:2");
        assertThat(m.toString()).contains("Svc.pair(int a, int b)");
    }

    @Test
    void backgroundReloadsCanCallAPrivateMethod() throws Exception {
        CachedMethod m = new CachedMethod(PrivateMethod.class.getDeclaredMethod("secret", int.class),
                new String[] {"id"});
        Method accessible = m.accessibleMethod();
        assertThat(accessible).isNotNull();
        assertThat(accessible.invoke(new PrivateMethod(), 4)).isEqualTo("s4");
        assertThat(m.accessibleMethod()).isSameAs(accessible);
    }

    // ---- the hit path -----------------------------------------------------------------------------------------------

    @Test
    void beforeAnyBackendIsConfiguredTheHitPathAnswersNothing() throws Exception {
        CachedMethod m = cached("name", int.class);
        CachingRuntime.resetBackend(backend);
        try {
            assertThat(m.lookup(key(m, 1))).isSameAs(CachedMethod.MISS);
        } finally {
            CachingRuntime.setBackend(backend);
        }
    }

    // ---- the miss path ----------------------------------------------------------------------------------------------

    @Test
    void aMethodWhoseProfileIsOffRunsUncachedAndIsCountedSo() throws Exception {
        CachedMethod m = cached("off", int.class);
        assertThat(call(m, () -> "body", 1)).isEqualTo("body");
        assertThat(backend.begun).as("no load began").isEmpty();
        assertThat(m.statistics().snapshot().uncachedCalls()).isEqualTo(1);
    }

    @Test
    void aFreshItemFoundOnTheSlowPathIsAHit() throws Exception {
        // a method with fail-safe reads through read() on the slow path, which may find what the hit path did not
        CachedMethod m = cached("resilient", int.class);
        ItemKey key = key(m, 1);
        backend.put(key, CacheItem.of("stored"));
        Load load = m.load(key, null, new Object[] {1});
        assertThat(load.mustRun()).isFalse();
        assertThat(load.result()).isEqualTo("stored");
        assertThat(m.statistics().snapshot().hits()).isEqualTo(1);
        assertThat(m.statistics().snapshot().misses()).isZero();
    }

    @Test
    void aBodyThatCallsItselfWithTheSameArgumentsRunsTheInnerCallUncached() throws Exception {
        CachedMethod m = cached("name", int.class);
        Object outer = call(m, () -> "outer(" + call(m, () -> "inner", 1) + ")", 1);
        assertThat(outer).isEqualTo("outer(inner)");
        assertThat(backend.valueOf(key(m, 1))).isEqualTo("outer(inner)");
        assertThat(m.statistics().snapshot().uncachedCalls()).isEqualTo(1);
        assertThat(m.statistics().snapshot().loads()).isEqualTo(1);
    }

    @Test
    void whenTheBackendCannotBeginALoadTheCallRunsUncachedAndTheNextOneLoadsAgain() throws Exception {
        CachedMethod m = cached("name", int.class);
        backend.onBeginLoad = () -> {
            throw new IllegalStateException("backend down");
        };
        assertThat(call(m, () -> "first", 1)).isEqualTo("first");
        assertThat(backend.valueOf(key(m, 1))).as("nothing stored").isNull();
        assertThat(m.statistics().snapshot().uncachedCalls()).isEqualTo(1);
        assertThat(m.flights.size()).as("no flight left behind").isZero();

        backend.onBeginLoad = () -> { };
        assertThat(call(m, () -> "second", 1)).isEqualTo("second");
        assertThat(backend.valueOf(key(m, 1))).as("the next call owns a load again").isEqualTo("second");
    }

    @Test
    void aCallerThatJoinedALoadTheBackendCouldNotBeginLooksAgain() throws Exception {
        CachedMethod m = cached("name", int.class);
        CountDownLatch inBeginLoad = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        backend.onBeginLoad = () -> {
            if (inBeginLoad.getCount() > 0) {
                inBeginLoad.countDown();
                awaitLatch(fail);
                throw new IllegalStateException("backend down");
            }
        };
        CompletableFuture<Object> owner = CompletableFuture.supplyAsync(() -> call(m, () -> "owner", 1));
        awaitLatch(inBeginLoad);
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        fail.countDown();
        assertThat(owner.get(5, TimeUnit.SECONDS)).isEqualTo("owner");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("joiner");
        assertThat(backend.valueOf(key(m, 1))).as("the joiner loaded and stored it itself").isEqualTo("joiner");
    }

    @Test
    void aJoinerWhoseOwnerFailsGetsTheExpiredValueInsideItsFailSafePeriod() throws Exception {
        CachedMethod m = cached("resilient", int.class);
        ItemKey key = key(m, 1);
        CacheItem expired = CacheItem.of("expired");
        backend.putExpired(key, expired);
        Load owner = m.load(key, null, new Object[] {1});
        assertThat(owner.mustRun()).isTrue();
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner ran", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        assertThat(owner.failed(new IllegalStateException("database down"))).as("the owner's fail-safe value")
                .isEqualTo("expired");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("expired");
        assertThat(m.statistics().snapshot().failSafeActivations()).isEqualTo(2);
        assertThat(m.statistics().snapshot().staleServed()).isEqualTo(2);
        assertThat(log.lines()).filteredOn(l -> l.logger().equals("dev.weft.caching.stale"))
                .extracting(LogRecorder.Line::text)
                .contains(m.display() + ": served an expired value of " + key + " (FAIL_SAFE)");
    }

    @Test
    void aJoinerWhoseOwnerFailsWithoutAnExpiredValueRethrowsTheFailure() throws Exception {
        CachedMethod m = cached("name", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner ran", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        IllegalStateException failure = new IllegalStateException("database down");
        assertThatThrownBy(() -> owner.failed(failure)).isSameAs(failure);
        assertThatThrownBy(() -> joiner.get(5, TimeUnit.SECONDS)).hasCauseReference(failure);
    }

    @Test
    void anInterruptedJoinerRunsTheBodyUncachedAndKeepsItsInterrupt() throws Exception {
        CachedMethod m = cached("name", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread joiner = new Thread(() -> {
            result.set(call(m, () -> "joiner ran", 1));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        joiner.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        joiner.interrupt();
        joiner.join(5_000);
        assertThat(result.get()).isEqualTo("joiner ran");
        assertThat(stillInterrupted).isTrue();
        assertThat(m.statistics().snapshot().uncachedCalls()).isEqualTo(1);
        assertThat(m.statistics().snapshot().waits()).as("it waited once").isEqualTo(1);
        assertThat(owner.complete("owner")).isEqualTo("owner");
        assertThat(backend.valueOf(key)).isEqualTo("owner");
    }

    @Test
    void aJoinerWhoseOwnersResultWasNotStoredLoadsItselfOnce() throws Exception {
        // the owner's store is refused (an invalidation overlapped its load): the joiner may have started after that
        // invalidation, so it does not take the owner's value; it looks again and owns the next load
        CachedMethod m = cached("name", int.class);
        ItemKey key = key(m, 1);
        Load owner = m.load(key, null, new Object[] {1});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        backend.refused = backend.begun.get(0);
        assertThat(owner.complete("before the invalidation")).isEqualTo("before the invalidation");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("joiner");
        assertThat(backend.valueOf(key)).as("the joiner owned the second load").isEqualTo("joiner");
        assertThat(m.statistics().snapshot().staleWriteBacksPrevented()).isEqualTo(1);
        assertThat(m.statistics().snapshot().misses()).isEqualTo(2);
    }

    @Test
    void aNestedJoinerPassesTheJoinedLoadsKeyAndDependenciesUp() throws Exception {
        CachedMethod outer = cached("name", int.class);
        CachedMethod inner = cached("pair", int.class, int.class);
        ItemKey innerKey = key(inner, 3, 4);
        Load owner = inner.load(innerKey, null, new Object[] {3, 4});
        assertThatThrownBy(owner::result).isInstanceOf(IllegalStateException.class)
                .hasMessage("the body must run: Owner{" + innerKey + "}");
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(
                () -> call(outer, () -> "outer+" + call(inner, () -> "inner ran twice", 3, 4), 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> inner.statistics().snapshot().waits() == 1);
        assertThat(owner.complete("inner")).isEqualTo("inner");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("outer+inner");
        assertThat(backend.items.get(key(outer, 1).canonical()).dependencies())
                .containsExactlyInAnyOrder(innerKey.canonical(), "order:4");
    }

    @Test
    void anExpiredValueThatWasInvalidatedMeanwhileIsNotServedByFailSafe() throws Exception {
        CachedMethod m = cached("resilient", int.class);
        ItemKey key = key(m, 1);
        backend.putExpired(key, CacheItem.of("expired"));
        Load owner = m.load(key, null, new Object[] {1});
        backend.invalidate(key.canonical());
        IllegalStateException failure = new IllegalStateException("database down");
        assertThatThrownBy(() -> owner.failed(failure)).isSameAs(failure);
        assertThat(m.statistics().snapshot().staleServed()).isZero();
    }

    @Test
    void whenTheBackendCannotTellWhetherTheExpiredValueIsStillHeldItIsNotServed() throws Exception {
        CachedMethod m = cached("resilient", int.class);
        ItemKey key = key(m, 1);
        backend.putExpired(key, CacheItem.of("expired"));
        Load owner = m.load(key, null, new Object[] {1});
        backend.failReads = true;
        IllegalStateException failure = new IllegalStateException("database down");
        assertThatThrownBy(() -> owner.failed(failure)).isSameAs(failure);
        assertThat(log.atInfoOrAbove()).extracting(LogRecorder.Line::text).anySatisfy(t -> assertThat(t)
                .startsWith(m.display() + ": the caching backend failed to read; not serving an expired value"));
    }

    @Test
    void aJoinerDoesNotTakeAResultLoadedInsideATransactionThatWrote() throws Exception {
        // DESIGN section 12: another thread must not see a value that may show the transaction's uncommitted rows
        CachedMethod m = cached("name", int.class);
        try (TransactionScope scope = Transactions.begin()) {
            Load owner = m.load(key(m, 1), null, new Object[] {1});
            CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "committed", 1));
            await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
            ((TrackedTransaction) scope).invalidatedKey("a row the transaction updated");
            assertThat(owner.complete("uncommitted")).isEqualTo("uncommitted");
            assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("committed");
            scope.afterRollback();
        }
    }

    @Test
    void aJoinerOfALoadWhoseResultCouldNotBeStoredLoadsItself() throws Exception {
        CachedMethod m = new CachedMethod(NestedCallsTest.EmptyDependency.class.getDeclaredMethod("find",
                String.class), new String[] {"region"});
        Load owner = m.load(key(m, ""), null, new Object[] {""});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner's", ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        assertThat(owner.complete("owner's")).isEqualTo("owner's");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("joiner's");
        assertThat(backend.items).isEmpty();
    }

    @Test
    void anOwnerTakenOverBeforeItsLoadBeganEndsItsTokenBeforeItsBodyRuns() throws Exception {
        CachedMethod m = cached("quick", int.class);
        CountDownLatch inBeginLoad = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        backend.onBeginLoad = () -> {
            if (inBeginLoad.getCount() > 0) {
                inBeginLoad.countDown();
                awaitLatch(release);
            }
        };
        AtomicBoolean tokenEndedBeforeBody = new AtomicBoolean();
        CompletableFuture<Object> owner = CompletableFuture.supplyAsync(() -> call(m, () -> {
            // the taker-over's token began first (the owner's beginLoad was held back)
            tokenEndedBeforeBody.set(backend.abandoned.contains(backend.begun.get(1)));
            return "late";
        }, 1));
        awaitLatch(inBeginLoad);
        // waits out the owner's load wait timeout (1 s), then takes the flight over
        assertThat(call(m, () -> "taker-over", 1)).isEqualTo("taker-over");
        assertThat(m.statistics().snapshot().waitTimeouts()).isEqualTo(1);
        release.countDown();
        assertThat(owner.get(5, TimeUnit.SECONDS)).isEqualTo("late");
        assertThat(tokenEndedBeforeBody).isTrue();
        assertThat(backend.valueOf(key(m, 1))).as("the late result is not stored").isEqualTo("taker-over");
    }

    @Test
    void anOwnerThatWaitedForAnotherInstanceGetsAFullLoadWaitTimeoutForItsBody() throws Exception {
        CachedMethod m = cached("quick", int.class);
        AtomicBoolean first = new AtomicBoolean(true);
        backend.peer = t -> {
            if (first.getAndSet(false)) {
                // another instance's load of the key, slower than the load wait timeout (1 s), that stored nothing:
                // the duration is what is tested here, not a synchronisation
                sleep(1_200);
            }
            return null;
        };
        Load owner = m.load(key(m, 1), null, new Object[] {1});
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        assertThat(owner.complete("owner")).isEqualTo("owner");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).as("joined, not taken over").isEqualTo("owner");
        assertThat(m.statistics().snapshot().waitTimeouts()).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- fleet-wide single flight -----------------------------------------------------------------------------------

    @Test
    void anOwnerThatAnotherInstanceLoadedForTakesThatValueAndEndsItsToken() throws Exception {
        CachedMethod m = cached("name", int.class);
        ItemKey key = key(m, 1);
        backend.peer = t -> CacheItem.of("from a peer", Duration.ZERO, Duration.ZERO, Set.of());
        assertThat(call(m, () -> "body ran", 1)).isEqualTo("from a peer");
        assertThat(backend.abandoned).as("the owner's token is ended").containsExactlyElementsOf(backend.begun);
        assertThat(m.flights.size()).as("the flight is closed").isZero();

        // the next call (nothing stored here: the peer stored in its shared level) asks again, not the old flight
        backend.peer = t -> null;
        assertThat(call(m, () -> "body ran", 1)).isEqualTo("body ran");
        assertThat(backend.peerWaits).hasValue(2);
    }

    @Test
    void joinersOfAnOwnerThatAnotherInstanceLoadedForGetThatValue() throws Exception {
        CachedMethod m = cached("name", int.class);
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch peerDone = new CountDownLatch(1);
        backend.peer = t -> {
            waiting.countDown();
            awaitLatch(peerDone);
            return CacheItem.of("from a peer");
        };
        CompletableFuture<Object> owner = CompletableFuture.supplyAsync(() -> call(m, () -> "owner ran", 1));
        awaitLatch(waiting);
        CompletableFuture<Object> joiner = CompletableFuture.supplyAsync(() -> call(m, () -> "joiner ran", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.statistics().snapshot().waits() == 1);
        peerDone.countDown();
        assertThat(owner.get(5, TimeUnit.SECONDS)).isEqualTo("from a peer");
        assertThat(joiner.get(5, TimeUnit.SECONDS)).isEqualTo("from a peer");
    }

    @Test
    void aNestedCallAnsweredByAnotherInstancePassesItsKeyAndDependenciesUp() throws Exception {
        CachedMethod outer = cached("resilient", int.class);
        CachedMethod inner = cached("name", int.class);
        backend.peer = t -> t.key().equals(key(inner, 2))
                ? CacheItem.of("peer", Duration.ZERO, Duration.ZERO, Set.of("dep:2")) : null;
        Object result = call(outer, () -> "outer+" + call(inner, () -> "inner ran", 2), 1);
        assertThat(result).isEqualTo("outer+peer");
        assertThat(backend.items.get(key(outer, 1).canonical()).dependencies())
                .containsExactlyInAnyOrder(key(inner, 2).canonical(), "dep:2");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

/** A cached method that only reflection made accessible can call: not a nestmate of the test. */
class PrivateMethod {
    @Cached
    private String secret(int id) {
        return "s" + id;
    }
}
