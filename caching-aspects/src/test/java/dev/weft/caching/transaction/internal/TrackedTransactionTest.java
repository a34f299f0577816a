package dev.weft.caching.transaction.internal;

import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.transaction.TransactionScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The bookkeeping of one transaction: what is repeated after the commit, what is removed after the rollback, through
 * the default backend (here one that records the calls it gets; the woven behaviour is tested in weft-tests).
 */
class TrackedTransactionTest {

    /** Records the invalidation calls it gets; stores nothing. */
    static final class RecordingBackend implements CachingBackend {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        private void record(String call) {
            calls.add(call);
            if (failing) {
                throw new IllegalStateException("transport down");
            }
        }

        @Override
        public CacheItem get(ItemKey key) {
            return null;
        }

        @Override
        public LoadToken beginLoad(ItemKey key) {
            return () -> key;
        }

        @Override
        public boolean set(LoadToken load, CacheItem item) {
            return false;
        }

        @Override
        public void abandon(LoadToken load) {
        }

        @Override
        public void invalidate(String key) {
            record("key " + key);
        }

        @Override
        public void invalidateDependency(String dependency) {
            record("dependency " + dependency);
        }

        @Override
        public void clear() {
            record("clear");
        }

        @Override
        public void close() {
        }
    }

    final RecordingBackend backend = new RecordingBackend();

    @BeforeEach
    void install() {
        CachingServices.setDefaultBackend(backend);
    }

    @AfterEach
    void uninstall() {
        CachingServices.resetDefaultBackend(backend);
    }

    private static TrackedTransaction open() {
        return (TrackedTransaction) TransactionScope.create();
    }

    @Test
    void theCommitRepeatsTheInvalidationsOnceEach() {
        TrackedTransaction tx = open();
        tx.invalidatedKey("a");
        tx.invalidatedDependency("product:1");
        tx.invalidatedKey("a");
        tx.stored("b");
        tx.afterCommit();
        assertThat(backend.calls).containsExactly("key a", "dependency product:1");
    }

    @Test
    void theRollbackRemovesWhatLoadsStoredAndRepeatsNothing() {
        TrackedTransaction tx = open();
        tx.stored("b");
        tx.invalidatedKey("a");
        tx.afterRollback();
        assertThat(backend.calls).containsExactly("key b");
    }

    @Test
    void anUnknownOutcomeDoesBoth() {
        TrackedTransaction tx = open();
        tx.stored("b");
        tx.invalidatedKey("a");
        tx.close();
        assertThat(backend.calls).containsExactlyInAnyOrder("key a", "key b");
    }

    @Test
    void onlyTheFirstOutcomeCounts() {
        TrackedTransaction tx = open();
        tx.invalidatedKey("a");
        tx.afterCommit();
        tx.afterRollback();
        tx.close();
        assertThat(backend.calls).containsExactly("key a");
        assertThat(tx.isOpen()).isFalse();
    }

    @Test
    void aClearReplacesTheOtherInvalidations() {
        // the clear after the commit removes everything, whatever the transaction invalidated before or after it
        TrackedTransaction tx = open();
        tx.invalidatedKey("a");
        tx.cleared();
        tx.invalidatedDependency("d");
        tx.stored("b");
        tx.close();
        assertThat(backend.calls).containsExactly("clear");
    }

    @Test
    void loadsStopStoringOnceTheTransactionWrote() {
        TrackedTransaction tx = open();
        assertThat(tx.mayStore()).isTrue();
        tx.invalidatedDependency("d");
        assertThat(tx.mayStore()).isFalse();
    }

    @Test
    void loadsStopStoringPastTheRememberedKeys() {
        TrackedTransaction tx = open();
        for (int i = 0; i < TrackedTransaction.MAX_REMEMBERED_KEYS; i++) {
            assertThat(tx.mayStore()).isTrue();
            tx.stored("k" + i);
        }
        assertThat(tx.mayStore()).isFalse();
        tx.afterRollback();
        assertThat(backend.calls).hasSize(TrackedTransaction.MAX_REMEMBERED_KEYS);
    }

    @Test
    void aStoreReportedAfterTheRollbackIsRemovedAtOnce() {
        // an asynchronous load that began inside the transaction and completed after it rolled back
        TrackedTransaction tx = open();
        tx.afterRollback();
        tx.stored("late");
        assertThat(backend.calls).containsExactly("key late");
    }

    @Test
    void aStoreReportedAfterTheCommitStays() {
        TrackedTransaction tx = open();
        tx.afterCommit();
        tx.stored("late");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void invalidationsAfterTheEndAreNotRecorded() {
        TrackedTransaction tx = open();
        tx.afterCommit();
        tx.invalidatedKey("a");
        assertThat(tx.mayStore()).isTrue();
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void aFailingBackendIsLoggedNotThrown() {
        TrackedTransaction tx = open();
        tx.invalidatedKey("a");
        tx.invalidatedKey("b");
        backend.failing = true;
        assertThatCode(tx::afterCommit).doesNotThrowAnyException();
        assertThat(backend.calls).as("every repeat is tried").containsExactly("key a", "key b");
    }

    @Test
    void aThreadBoundScopeIsTheCurrentTransactionUntilItEnds() {
        assertThat(Transactions.current()).isNull();
        try (TransactionScope outer = TransactionScope.begin()) {
            assertThat(Transactions.current()).isSameAs(outer);
            TransactionScope inner = TransactionScope.begin();
            assertThat(Transactions.current()).isSameAs(inner);
            inner.afterCommit();
            assertThat(Transactions.current()).isSameAs(outer);
        }
        assertThat(Transactions.current()).isNull();
    }

    @Test
    void aScopeEndedOnAnotherThreadIsNoLongerCurrent() throws InterruptedException {
        TransactionScope scope = TransactionScope.begin();
        Thread reaper = new Thread(scope::afterRollback);
        reaper.start();
        reaper.join();
        assertThat(Transactions.current()).isNull();
    }

    @Test
    void aSourcesScopeIsCurrentWhileOpen() {
        TransactionScope scope = TransactionScope.create();
        dev.weft.caching.transaction.TransactionSource source = () -> scope;
        CachingServices.addTransactionSource(source);
        try {
            assertThat(Transactions.current()).isSameAs(scope);
            scope.afterCommit();
            assertThat(Transactions.current()).as("an ended scope is none").isNull();
        } finally {
            CachingServices.removeTransactionSource(source);
        }
    }
}
