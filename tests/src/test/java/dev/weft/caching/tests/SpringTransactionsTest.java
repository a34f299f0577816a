package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import javax.sql.DataSource;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DESIGN section 12 (issue 15): {@code @InvalidateCache} and {@code @Cached} inside Spring {@code @Transactional}
 * methods, on a real H2 database with Spring's {@code DataSourceTransactionManager}. Every interleaving is forced with
 * latches. Weft follows the transactions by itself: spring-tx is on the class path, nothing is configured.
 *
 * <p>Without transaction support (checked by making {@code Transactions.current()} answer {@code null}) every test
 * but the two that show what stays as it was fails: the invalidation ran only before the commit, so the reader's
 * old row stays cached; the transaction's reads of its own uncommitted row were stored and shared with other
 * threads, which waited for them.
 */
class SpringTransactionsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private AnnotationConfigApplicationContext context;
    private Catalog catalog;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        catalog = context.getBean(Catalog.class);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        catalog.shutDownDatabase();
        context.close();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Config {

        @Bean
        DataSource dataSource() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:weft-tx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            return h2;
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        Catalog catalog(DataSource dataSource) {
            return new Catalog(new JdbcTemplate(dataSource));
        }
    }

    /** Thrown to roll a transaction back; carries what the transaction read. */
    static final class Rollback extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String seen;

        Rollback(String seen) {
            super("rolled back after reading " + seen, null, false, false);
            this.seen = seen;
        }
    }

    /** A service as an application writes it: a cached read, a write Weft hears of, transactional use cases. */
    static class Catalog {

        // Tests reach these through methods: the bean they hold is Spring's transactional proxy, whose fields are unset
        private final JdbcTemplate jdbc;
        private final AtomicInteger loads = new AtomicInteger();
        private volatile Runnable afterRead = () -> { };

        Catalog(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
            jdbc.execute("create table product (id bigint primary key, name varchar(100))");
            jdbc.update("insert into product values (1, 'Espresso')");
        }

        @Cached
        public String getName(long id) {
            loads.incrementAndGet();
            String name = jdbc.queryForObject("select name from product where id = ?", String.class, id);
            afterRead.run();
            return name;
        }

        @InvalidateCache("getName")
        public void writeName(long id, String name) {
            jdbc.update("update product set name = ? where id = ?", name, id);
        }

        /** Renames, then runs {@code beforeCommit}, still inside the transaction. */
        @Transactional
        public void rename(long id, String name, Runnable beforeCommit) {
            writeName(id, name);
            beforeCommit.run();
        }

        /** Renames and reads the row back inside the transaction, which commits. */
        @Transactional
        public String renameAndRead(long id, String name) {
            writeName(id, name);
            return getName(id);
        }

        /** Renames, reads the row back, runs {@code afterOwnRead}, then fails: the transaction rolls back. */
        @Transactional
        public String renameReadAndFail(long id, String name, Runnable afterOwnRead) {
            writeName(id, name);
            String seen = getName(id);
            afterOwnRead.run();
            throw new Rollback(seen);
        }

        /** Changes the row with plain SQL, which Weft does not hear of, reads it back, then fails. */
        @Transactional
        public String quietlyRenameReadAndFail(long id, String name) {
            jdbc.update("update product set name = ? where id = ?", name, id);
            throw new Rollback(getName(id));
        }

        /** Reads twice in a transaction that writes nothing. */
        @Transactional
        public String readTwice(long id) {
            getName(id);
            return getName(id);
        }

        /** Renames, then reads in a new transaction (REQUIRES_NEW suspends this one), which commits first. */
        @Transactional
        public String renameThenReadInANewTransaction(long id, String name, Catalog self) {
            writeName(id, name);
            return self.readInNewTransaction(id);
        }

        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public String readInNewTransaction(long id) {
            return getName(id);
        }

        @Transactional(readOnly = true)
        public String readOnly(long id) {
            return getName(id);
        }

        /** Bodies of {@link #getName} run so far. */
        public int loads() {
            return loads.get();
        }

        /** Runs {@code hook} inside {@link #getName}'s body after the read, on the loading thread. */
        public void afterRead(Runnable hook) {
            afterRead = hook;
        }

        public void shutDownDatabase() {
            jdbc.execute("shutdown");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private int loadsOf(Runnable calls) {
        int before = catalog.loads();
        calls.run();
        return catalog.loads() - before;
    }

    @Test
    void aReaderBetweenTheInvalidationAndTheCommitLeavesTheNewValueCachedAfterTheCommit() throws Exception {
        assertThat(catalog.getName(1)).isEqualTo("Espresso");
        CountDownLatch invalidated = new CountDownLatch(1);
        CountDownLatch readerDone = new CountDownLatch(1);
        Future<?> transaction = pool.submit(() -> catalog.rename(1, "Ristretto", () -> {
            invalidated.countDown();
            await(readerDone);
        }));
        await(invalidated);

        // the entry was removed at once; this reader misses, reads the committed row and stores it
        assertThat(catalog.getName(1)).isEqualTo("Espresso");
        assertThat(loadsOf(() -> catalog.getName(1))).as("the old row is cached").isZero();
        readerDone.countDown();
        transaction.get(10, TimeUnit.SECONDS);

        assertThat(catalog.getName(1)).as("after the commit").isEqualTo("Ristretto");
        assertThat(loadsOf(() -> assertThat(catalog.getName(1)).isEqualTo("Ristretto")))
                .as("the new value is what is cached").isZero();
    }

    @Test
    void aRolledBackWriteLeavesTheOldValueServedAndCached() throws Exception {
        assertThat(catalog.getName(1)).isEqualTo("Espresso");
        CountDownLatch ownRead = new CountDownLatch(1);
        CountDownLatch othersRead = new CountDownLatch(1);
        Future<String> transaction = pool.submit(() -> catalog.renameReadAndFail(1, "Ristretto", () -> {
            ownRead.countDown();
            await(othersRead);
        }));
        await(ownRead);

        assertThat(catalog.getName(1)).as("another thread, while the transaction is open").isEqualTo("Espresso");
        othersRead.countDown();
        assertThatThrownBy(() -> transaction.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(Rollback.class)
                .extracting(e -> ((Rollback) e).seen).as("the transaction read its own write").isEqualTo("Ristretto");

        assertThat(catalog.getName(1)).as("after the rollback").isEqualTo("Espresso");
        assertThat(loadsOf(() -> assertThat(catalog.getName(1)).isEqualTo("Espresso"))).as("and it is cached")
                .isZero();
    }

    @Test
    void aValueReadInsideATransactionAfterAWriteWeftDidNotHearOfIsGoneAfterTheRollback() {
        assertThatThrownBy(() -> catalog.quietlyRenameReadAndFail(1, "Ristretto")).isInstanceOf(Rollback.class)
                .extracting(e -> ((Rollback) e).seen).isEqualTo("Ristretto");

        assertThat(catalog.getName(1)).as("the uncommitted row is not served after the rollback").isEqualTo("Espresso");
    }

    @Test
    void anotherThreadDoesNotWaitForNorGetTheLoadOfATransactionThatWrote() throws Exception {
        CountDownLatch inBody = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] holder = new Thread[1];
        catalog.afterRead(() -> {
            if (Thread.currentThread() == holder[0]) {
                inBody.countDown();
                await(release);
            }
        });
        Future<String> transaction = pool.submit(() -> {
            holder[0] = Thread.currentThread();
            return catalog.renameAndRead(1, "Ristretto");
        });
        await(inBody);

        // the transaction's load of key 1 is in flight: a caller that joined it would wait, then get its uncommitted row
        Future<String> other = pool.submit(() -> catalog.getName(1));
        assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("Espresso");
        release.countDown();
        assertThat(transaction.get(10, TimeUnit.SECONDS)).isEqualTo("Ristretto");
        assertThat(catalog.getName(1)).as("after the commit").isEqualTo("Ristretto");
    }

    @Test
    void aTransactionThatInvalidatesNothingStoresWhatItReads() {
        assertThat(loadsOf(() -> assertThat(catalog.readTwice(1)).isEqualTo("Espresso"))).isEqualTo(1);
        assertThat(loadsOf(() -> catalog.getName(1))).as("still cached after the commit").isZero();
    }

    @Test
    void aReadOnlyTransactionIsNotTracked() {
        assertThat(catalog.readOnly(1)).isEqualTo("Espresso");
        assertThat(loadsOf(() -> catalog.getName(1))).isZero();
    }

    @Test
    void aRequiresNewTransactionInsideOneThatWroteHasItsOwnScope() {
        // the inner transaction reads the committed row on its own connection and may store it; the outer
        // transaction's commit then invalidates it again
        assertThat(catalog.renameThenReadInANewTransaction(1, "Ristretto", catalog)).isEqualTo("Espresso");
        assertThat(catalog.getName(1)).isEqualTo("Ristretto");
    }

    @Test
    void aRequiresNewTransactionStoresWhileTheOuterOneIsOpen() throws Exception {
        CountDownLatch innerCommitted = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        Future<?> outer = pool.submit(() -> catalog.rename(1, "Ristretto", () -> {
            catalog.readInNewTransaction(1);
            innerCommitted.countDown();
            await(checked);
        }));
        await(innerCommitted);
        assertThat(loadsOf(() -> assertThat(catalog.getName(1)).isEqualTo("Espresso")))
                .as("what the inner transaction stored is served until the outer one commits").isZero();
        checked.countDown();
        outer.get(10, TimeUnit.SECONDS);
        assertThat(catalog.getName(1)).isEqualTo("Ristretto");
    }
}
