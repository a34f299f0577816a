package dev.weft.caching.internal.method;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an {@code @InvalidateCache} method removes: built here from its reflective method, as the registry does once
 * per join point (a test through woven classes would reuse what an earlier test built).
 */
class InvalidatingMethodTest {

    @SuppressWarnings("unused")
    static class Catalog {
        @Cached
        String boxed(Integer i, Long l, Boolean b, Double d, Float f, Character c, Short s, Byte y) {
            return "";
        }

        @InvalidateCache("boxed")
        void update(int i, long l, boolean b, double d, float f, char c, short s, byte y) {
        }

        @InvalidateCache(value = {}, dependencies = "order:{b}")
        void orders(int a, int b) {
        }
    }

    @SuppressWarnings("unused")
    static class Account implements CacheKey {
        private final String id;

        Account(String id) {
            this.id = id;
        }

        @Override
        public String toCacheKey() {
            return id;
        }

        @Cached
        String balance(int currency) {
            return "";
        }

        @InvalidateCache("balance")
        void deposit(int currency) {
        }

        @InvalidateCache("balance")
        static void depositEverywhere(int currency) {
        }
    }

    final ScriptedBackend backend = new ScriptedBackend();
    @RegisterExtension
    final InstalledBackend installed = new InstalledBackend(backend);

    private static Method method(Class<?> type, String name) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void primitiveParametersMatchTheirBoxedCounterpartsInTheCachedMethod() {
        InvalidatingMethod update = new InvalidatingMethod(method(Catalog.class, "update"), null);
        CachedMethod boxed = CachedMethods.forMethod(method(Catalog.class, "boxed"));
        long before = boxed.statistics().snapshot().invalidations();
        Object[] args = {1, 2L, true, 3.5d, 4.5f, 'c', (short) 5, (byte) 6};

        update.invalidate(new Catalog(), args, null);

        assertThat(backend.invalidated).containsExactly(boxed.keys().keyOf(null, args).canonical());
        assertThat(boxed.statistics().snapshot().invalidations() - before).isEqualTo(1);
        assertThat(update.toString()).contains("Catalog.update(int i, long l, boolean b, double d, float f, char c, "
                + "short s, byte y)");
    }

    @Test
    void aDependencyTemplateRendersTheNamedParameterAndIsRepeatedAfterTheTransactionCommits() {
        InvalidatingMethod orders = new InvalidatingMethod(method(Catalog.class, "orders"), null);
        TrackedTransaction transaction = (TrackedTransaction) Transactions.create();

        orders.invalidate(new Catalog(), new Object[] {1, 2}, transaction);
        assertThat(backend.dependenciesInvalidated).containsExactly("order:2");

        transaction.afterCommit();
        assertThat(backend.dependenciesInvalidated).containsExactly("order:2", "order:2");
    }

    @Test
    void anInstanceMethodOfACacheKeyClassInvalidatesTheEntryOfItsOwnInstance() {
        InvalidatingMethod deposit = new InvalidatingMethod(method(Account.class, "deposit"), null);
        CachedMethod balance = CachedMethods.forMethod(method(Account.class, "balance"));
        Account account = new Account("acct-7");

        deposit.invalidate(account, new Object[] {978}, null);

        assertThat(backend.invalidated).containsExactly(balance.keys().keyOf(account, new Object[] {978}).canonical());
        assertThat(backend.invalidated.get(0)).contains("acct-7");
    }

    @Test
    void aStaticMethodCannotInvalidateACacheKeyClassesEntriesAndTheErrorSaysWhy() {
        assertThatThrownBy(() -> new InvalidatingMethod(method(Account.class, "depositEverywhere"), null))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("Account.depositEverywhere(int currency)")
                .hasMessageContaining("Account.balance(int currency): its class implements CacheKey")
                .hasMessageContaining("invalidate it from an instance method of that class");
    }
}
