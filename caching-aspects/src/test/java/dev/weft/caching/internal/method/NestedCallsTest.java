package dev.weft.caching.internal.method;

import dev.weft.caching.CachingContext;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.weft.caching.internal.method.CachedMethodTest.cached;
import static dev.weft.caching.internal.method.CachedMethodTest.call;
import static dev.weft.caching.internal.method.CachedMethodTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cached calls made inside a cached body: what they pass up (their keys and dependencies, whether they were answered
 * with an expired value), and when the enclosing result is not stored. Driven as the woven advice drives them.
 */
class NestedCallsTest {

    final ScriptedBackend backend = new ScriptedBackend();
    @RegisterExtension
    final InstalledBackend installed = new InstalledBackend(backend);

    private static Object fail(String message) {
        throw new IllegalStateException(message);
    }

    @Test
    void anUncachedNestedCallStillPassesItsKeyAndWhatItsBodyCalledUp() throws Exception {
        // invalidating the key of a call that ran uncached (its profile is off) still removes what was built on it
        CachedMethod outer = cached("name", int.class);
        CachedMethod off = cached("off", int.class);
        CachedMethod inner = cached("pair", int.class, int.class);
        Object result = call(outer, () -> "outer+" + call(off, () -> "off+" + call(inner, () -> "inner", 3, 4), 2), 1);
        assertThat(result).isEqualTo("outer+off+inner");
        assertThat(backend.items.get(key(outer, 1).canonical()).dependencies()).containsExactlyInAnyOrder(
                key(off, 2).canonical(), key(inner, 3, 4).canonical(), "order:4");
    }

    @Test
    void aFailedUncachedNestedCallLeavesTheEnclosingBodyCollectingItsLaterCalls() throws Exception {
        CachedMethod outer = cached("name", int.class);
        CachedMethod off = cached("off", int.class);
        CachedMethod later = cached("pair", int.class, int.class);
        Object result = call(outer, () -> {
            try {
                call(off, () -> fail("off failed"), 2);
            } catch (IllegalStateException expected) {
                // the body carries on
            }
            return "outer+" + call(later, () -> "later", 5, 6);
        }, 1);
        assertThat(result).isEqualTo("outer+later");
        assertThat(backend.items.get(key(outer, 1).canonical()).dependencies())
                .containsExactlyInAnyOrder(key(later, 5, 6).canonical(), "order:6");
    }

    @Test
    void aResultBuiltOnAFailSafeValueIsNotStoredAtAnyLevelAndTheirTokensAreEnded() throws Exception {
        CachedMethod outer = cached("name", int.class);
        CachedMethod middle = cached("pair", int.class, int.class);
        CachedMethod inner = cached("resilient", int.class);
        backend.putExpired(key(inner, 3), CacheItem.of("expired"));
        Object result = call(outer, () -> "outer+" + call(middle, () -> "middle+" + call(inner,
                () -> fail("database down"), 3), 2, 2), 1);
        assertThat(result).isEqualTo("outer+middle+expired");
        assertThat(backend.valueOf(key(middle, 2, 2))).as("built on an expired value").isNull();
        assertThat(backend.valueOf(key(outer, 1))).as("built on one that was").isNull();
        assertThat(backend.abandoned).as("every token ended").hasSize(3).containsExactlyInAnyOrderElementsOf(backend.begun);
    }

    @Test
    void anUncachedNestedCallThatWasServedAnExpiredValueKeepsTheEnclosingResultFromBeingStored() throws Exception {
        CachedMethod outer = cached("name", int.class);
        CachedMethod off = cached("off", int.class);
        CachedMethod inner = cached("resilient", int.class);
        backend.putExpired(key(inner, 3), CacheItem.of("expired"));
        Object result = call(outer, () -> "outer+" + call(off, () -> "off+" + call(inner,
                () -> fail("database down"), 3), 2), 1);
        assertThat(result).isEqualTo("outer+off+expired");
        assertThat(backend.valueOf(key(outer, 1))).isNull();
    }

    @Test
    void anUncachedNestedCallHasItsOwnContextWhichEndsWithIt() throws Exception {
        CachedMethod outer = cached("name", int.class);
        CachedMethod off = cached("off", int.class);
        java.util.List<CachingContext> seen = new java.util.ArrayList<>();
        call(outer, () -> {
            call(off, () -> {
                seen.add(CachingContext.current());
                return "returns";
            }, 2);
            try {
                call(off, () -> {
                    seen.add(CachingContext.current());
                    return fail("throws");
                }, 3);
            } catch (IllegalStateException expected) {
                // the body carries on
            }
            return "outer";
        }, 1);
        assertThat(seen).extracting(CachingContext::key)
                .containsExactly(key(off, 2).canonical(), key(off, 3).canonical());
        for (CachingContext context : seen) {
            assertThatThrownBy(() -> context.addDependency("too late"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageEndingWith("used after its cached body returned");
        }
    }

    @Test
    void aResultThatCannotBeStoredIsReturnedAndItsTokenEnded() throws Exception {
        // a dependency template that renders an empty dependency key
        CachedMethod withEmpty = new CachedMethod(EmptyDependency.class.getDeclaredMethod("find", String.class),
                new String[] {"region"});
        assertThat(call(withEmpty, () -> "v", "")).isEqualTo("v");
        assertThat(backend.items).isEmpty();
        assertThat(backend.abandoned).containsExactlyElementsOf(backend.begun);
        assertThat(withEmpty.flights.size()).isZero();
    }

    static class EmptyDependency {
        @dev.weft.caching.Cached(dependsOn = "{region}")
        String find(String region) {
            return region;
        }
    }

    @Test
    void whenTheBackendFailsToStoreTheResultIsReturnedAndItsTokenEnded() throws Exception {
        CachedMethod m = cached("name", int.class);
        backend.failStores = true;
        assertThat(call(m, () -> "v", 1)).isEqualTo("v");
        assertThat(backend.abandoned).containsExactlyElementsOf(backend.begun);
        assertThat(m.statistics().snapshot().loads()).isEqualTo(1);
    }

    @Test
    void aResultLoadedInsideATransactionThatWroteMeanwhileIsNotStored() throws Exception {
        CachedMethod m = cached("name", int.class);
        try (TransactionScope scope = Transactions.begin()) {
            Object v = call(m, () -> {
                ((TrackedTransaction) scope).invalidatedKey("an update inside the transaction");
                return "uncommitted";
            }, 1);
            assertThat(v).isEqualTo("uncommitted");
            scope.afterRollback();
        }
        assertThat(backend.valueOf(key(m, 1))).isNull();
        assertThat(backend.abandoned).containsExactlyElementsOf(backend.begun);
    }

    @Test
    void aResultTheAdapterCannotStoreFailsTheCallAndEndsTheLoad() throws Exception {
        CachedMethod m = new CachedMethod(Adapted.class.getDeclaredMethod("find", int.class), new String[] {"id"});
        Unstorable.failure = new IllegalStateException("cannot materialize");
        assertThatThrownBy(() -> call(m, Unstorable::new, 1)).isSameAs(Unstorable.failure);
        assertThat(backend.items).isEmpty();
        assertThat(backend.abandoned).containsExactlyElementsOf(backend.begun);
        assertThat(m.statistics().snapshot().loadFailures()).isEqualTo(1);
        assertThat(m.flights.size()).isZero();
    }

    @Test
    void whenTheAdapterCannotStoreTheResultTheExpiredValueStandsInInsideItsFailSafePeriod() throws Exception {
        CachedMethod m = new CachedMethod(Adapted.class.getDeclaredMethod("resilient", int.class),
                new String[] {"id"});
        Unstorable expired = new Unstorable();
        backend.putExpired(key(m, 1), CacheItem.of(expired));
        Unstorable.failure = new IllegalStateException("cannot materialize");
        assertThat(call(m, Unstorable::new, 1)).isInstanceOf(Unstorable.class).isNotSameAs(expired);
        assertThat(m.statistics().snapshot().failSafeActivations()).isEqualTo(1);
    }

    static final class Unstorable {
        static RuntimeException failure;
    }

    static {
        dev.weft.caching.CachingServices.registerValueAdapter(new dev.weft.caching.ValueAdapter<Unstorable>() {
            @Override
            public Class<Unstorable> type() {
                return Unstorable.class;
            }

            @Override
            public Object toStored(Unstorable returned) {
                throw Unstorable.failure;
            }

            @Override
            public Unstorable fromStored(Object stored) {
                return new Unstorable();
            }
        });
    }

    static class Adapted {
        @dev.weft.caching.Cached
        Unstorable find(int id) {
            return new Unstorable();
        }

        @dev.weft.caching.Cached(failSafe = "1h")
        Unstorable resilient(int id) {
            return new Unstorable();
        }
    }
}
