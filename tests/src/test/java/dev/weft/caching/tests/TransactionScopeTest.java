package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.TransactionSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN section 12 without Spring: {@link TransactionScope#begin()} for code that commits its own JDBC transactions,
 * and a {@link TransactionSource} for another transaction manager. A real H2 database: the reader's connection sees
 * only committed rows, the writer's sees its own.
 *
 * <p>Without transaction support every test fails (checked by making {@code Transactions.current()} answer
 * {@code null}): the reader's old row, or the transaction's uncommitted one, stays cached.
 */
class TransactionScopeTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private JdbcDataSource database;
    private Products products;

    @BeforeEach
    void start() throws SQLException {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:weft-scope-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table product (id bigint primary key, name varchar(100))");
            s.execute("insert into product values (1, 'Espresso')");
        }
        products = new Products(database);
    }

    @AfterEach
    void stop() throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("shutdown");
        }
    }

    /** Reads on its own auto-commit connection; writes on the caller's transaction. */
    static final class Products {
        private final JdbcDataSource database;
        final AtomicInteger loads = new AtomicInteger();
        /** The connection {@link #getName} reads on, when set; else a new auto-commit one. */
        Connection readOn;

        Products(JdbcDataSource database) {
            this.database = database;
        }

        @Cached(dependsOn = "product:{id}")
        String getName(long id) throws SQLException {
            loads.incrementAndGet();
            if (readOn != null) {
                return select(readOn, id);
            }
            try (Connection c = database.getConnection()) {
                return select(c, id);
            }
        }

        private static String select(Connection c, long id) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("select name from product where id = ?")) {
                s.setLong(1, id);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getString(1);
                }
            }
        }

        @InvalidateCache("getName")
        void rename(Connection transaction, long id, String name) throws SQLException {
            update(transaction, id, name);
        }

        /** A write Weft does not hear of. */
        static void update(Connection transaction, long id, String name) throws SQLException {
            try (PreparedStatement s = transaction.prepareStatement("update product set name = ? where id = ?")) {
                s.setString(1, name);
                s.setLong(2, id);
                s.executeUpdate();
            }
        }
    }

    private Connection transaction() throws SQLException {
        Connection c = database.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    private int loadsOf(ThrowingRunnable calls) throws Exception {
        int before = products.loads.get();
        calls.run();
        return products.loads.get() - before;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A reader outside the transaction: reads the committed row and stores it. */
    private String readOnAnotherThread() throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            return reader.submit(() -> products.getName(1)).get(10, TimeUnit.SECONDS);
        } finally {
            reader.shutdown();
        }
    }

    @Test
    void aBegunScopeRepeatsItsInvalidationsAfterTheCommit() throws Exception {
        products.getName(1);
        try (Connection tx = transaction(); TransactionScope scope = TransactionScope.begin()) {
            products.rename(tx, 1, "Ristretto");
            assertThat(readOnAnotherThread()).as("a reader before the commit").isEqualTo("Espresso");
            assertThat(loadsOf(this::readOnAnotherThread)).as("which stored the old row").isZero();
            tx.commit();
            scope.afterCommit();
        }
        assertThat(products.getName(1)).isEqualTo("Ristretto");
        assertThat(loadsOf(() -> products.getName(1))).isZero();
    }

    @Test
    void imperativeInvalidationsInsideAScopeAreRepeatedToo() throws Exception {
        products.getName(1);
        try (Connection tx = transaction(); TransactionScope scope = TransactionScope.begin()) {
            Products.update(tx, 1, "Ristretto");
            CachingServices.invalidateDependency("product:1");
            assertThat(readOnAnotherThread()).isEqualTo("Espresso");
            tx.commit();
            scope.afterCommit();
        }
        assertThat(products.getName(1)).isEqualTo("Ristretto");

        try (Connection tx = transaction(); TransactionScope scope = TransactionScope.begin()) {
            Products.update(tx, 1, "Lungo");
            CachingServices.invalidate(() -> products.getName(1));
            assertThat(readOnAnotherThread()).isEqualTo("Ristretto");
            tx.commit();
            scope.afterCommit();
        }
        assertThat(products.getName(1)).isEqualTo("Lungo");
    }

    @Test
    void afterRollbackRemovesWhatLoadsInsideTheScopeStored() throws Exception {
        try (Connection tx = transaction(); TransactionScope scope = TransactionScope.begin()) {
            Products.update(tx, 1, "Ristretto");
            products.readOn = tx;
            assertThat(products.getName(1)).as("stored: Weft did not hear of the write").isEqualTo("Ristretto");
            products.readOn = null;
            tx.rollback();
            scope.afterRollback();
        }
        assertThat(products.getName(1)).isEqualTo("Espresso");
    }

    @Test
    void aLoadAfterTheScopesOwnWriteIsNotStored() throws Exception {
        try (Connection tx = transaction(); TransactionScope scope = TransactionScope.begin()) {
            products.rename(tx, 1, "Ristretto");
            products.readOn = tx;
            assertThat(products.getName(1)).isEqualTo("Ristretto");
            products.readOn = null;
            assertThat(products.getName(1)).as("the next call loads again, committed rows").isEqualTo("Espresso");
            tx.rollback();
            scope.afterRollback();
        }
        assertThat(products.getName(1)).isEqualTo("Espresso");
    }

    @Test
    void closingWithoutAnOutcomeAssumesTheWorst() throws Exception {
        products.getName(1);
        try (Connection tx = transaction(); TransactionScope scope = TransactionScope.begin()) {
            products.rename(tx, 1, "Ristretto");
            readOnAnotherThread();   // stores the committed row
            tx.commit();
            // the application never says: closing repeats the invalidation (and would remove what loads stored)
        }
        assertThat(products.getName(1)).isEqualTo("Ristretto");
        assertThat(TransactionScope.begin()).satisfies(s -> {
            assertThat(s.isOpen()).isTrue();
            s.close();
            assertThat(s.isOpen()).isFalse();
        });
    }

    @Test
    void aScopeBegunInsideAnotherIsIndependent() throws Exception {
        products.getName(1);
        try (Connection outer = transaction(); TransactionScope outerScope = TransactionScope.begin()) {
            products.rename(outer, 1, "Ristretto");
            try (TransactionScope inner = TransactionScope.begin()) {
                assertThat(products.getName(1)).as("the inner scope wrote nothing: it stores").isEqualTo("Espresso");
                inner.afterCommit();
            }
            assertThat(loadsOf(() -> products.getName(1))).as("served from the cache").isZero();
            outer.commit();
            outerScope.afterCommit();
        }
        assertThat(products.getName(1)).isEqualTo("Ristretto");
    }

    /** A transaction manager Weft knows nothing of: thread-bound transactions with completion callbacks. */
    static final class ToyTransactionManager {
        static final class Tx {
            final Connection connection;
            final List<Runnable> onCommit = new ArrayList<>();
            final List<Runnable> onRollback = new ArrayList<>();
            TransactionScope weft;

            Tx(Connection connection) {
                this.connection = connection;
            }
        }

        private final ThreadLocal<Tx> current = new ThreadLocal<>();

        Tx begin(Connection c) {
            Tx tx = new Tx(c);
            current.set(tx);
            return tx;
        }

        void commit() throws SQLException {
            Tx tx = current.get();
            current.remove();
            tx.connection.commit();
            tx.onCommit.forEach(Runnable::run);
        }

        /** Weft's bridge, as docs/invalidation.md shows it for JTA. */
        TransactionSource weftSource() {
            return () -> {
                Tx tx = current.get();
                if (tx == null) {
                    return null;
                }
                if (tx.weft == null) {
                    TransactionScope scope = TransactionScope.create();
                    tx.weft = scope;
                    tx.onCommit.add(scope::afterCommit);
                    tx.onRollback.add(scope::afterRollback);
                }
                return tx.weft;
            };
        }
    }

    @Test
    void aTransactionSourceConnectsAnotherTransactionManager() throws Exception {
        ToyTransactionManager manager = new ToyTransactionManager();
        TransactionSource source = manager.weftSource();
        CachingServices.addTransactionSource(source);
        try {
            products.getName(1);
            ToyTransactionManager.Tx tx = manager.begin(transaction());
            products.rename(tx.connection, 1, "Ristretto");
            assertThat(readOnAnotherThread()).as("a reader before the commit").isEqualTo("Espresso");
            manager.commit();
            tx.connection.close();
            assertThat(products.getName(1)).isEqualTo("Ristretto");
        } finally {
            assertThat(CachingServices.removeTransactionSource(source)).isTrue();
        }
    }
}
