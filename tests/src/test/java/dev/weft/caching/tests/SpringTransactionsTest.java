package dev.weft.caching.tests;

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

import javax.sql.DataSource;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
    private TransactionalCatalog catalog;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        catalog = context.getBean(TransactionalCatalog.class);
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
        TransactionalCatalog catalog(DataSource dataSource) {
            return TransactionalCatalog.withSchema(new JdbcTemplate(dataSource));
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
                .cause().isInstanceOf(TransactionalCatalog.Rollback.class)
                .extracting(e -> ((TransactionalCatalog.Rollback) e).seen).as("the transaction read its own write").isEqualTo("Ristretto");

        assertThat(catalog.getName(1)).as("after the rollback").isEqualTo("Espresso");
        assertThat(loadsOf(() -> assertThat(catalog.getName(1)).isEqualTo("Espresso"))).as("and it is cached")
                .isZero();
    }

    @Test
    void aValueReadInsideATransactionAfterAWriteWeftDidNotHearOfIsGoneAfterTheRollback() {
        assertThatThrownBy(() -> catalog.quietlyRenameReadAndFail(1, "Ristretto")).isInstanceOf(TransactionalCatalog.Rollback.class)
                .extracting(e -> ((TransactionalCatalog.Rollback) e).seen).isEqualTo("Ristretto");

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
