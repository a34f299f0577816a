package dev.weft.caching.tests;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.net.FreePorts;
import dev.weft.testing.redis.RedisServerProcess;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DESIGN section 12 across instances: the repeat of a transaction's invalidation after its commit goes through the
 * default backend, so a {@code RedisCacheInvalidator} publishes it, and another instance (a JVM of its own) that read
 * the old row between the invalidation and the commit drops it. Both instances read one H2 database, served over
 * TCP on 127.0.0.1; the invalidations travel over a real redis-server.
 *
 * <p>Fails without transaction support (checked by making {@code Transactions.current()} answer {@code null}): the
 * peer keeps serving the old row.
 */
class TransactionsAcrossInstancesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static RedisServerProcess redis;
    private static Server h2;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private CacheInvalidator here;
    private AnnotationConfigApplicationContext context;
    private TransactionalCatalog catalog;
    private JvmProcess peer;

    @BeforeAll
    static void startServers() throws SQLException {
        redis = RedisServerProcess.start();
        h2 = Server.createTcpServer("-tcpPort", String.valueOf(FreePorts.findFreePort()), "-ifNotExists").start();
    }

    @AfterAll
    static void stopServers() {
        h2.stop();
        redis.close();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Config {

        static volatile String url;

        @Bean
        DataSource dataSource() {
            JdbcDataSource database = new JdbcDataSource();
            database.setURL(url);
            return database;
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

    @BeforeEach
    void startInstances() throws InterruptedException {
        String channel = "weft-test:" + UUID.randomUUID();
        here = RedisCacheInvalidator.create(MemoryCachingBackend.create(), redis.uri(),
                RedisCacheInvalidatorOptions.builder().channel(channel).build());
        CachingServices.setDefaultBackend(here);
        assertThat(here.awaitConnected(TIMEOUT)).isTrue();
        Config.url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:weft-tx-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1";
        context = new AnnotationConfigApplicationContext(Config.class);
        catalog = context.getBean(TransactionalCatalog.class);
        peer = JvmLauncher.forMainClass(TransactionPeer.class)
                .args(redis.uri(), channel, Config.url)
                .jvmArgs("-Xmx128m", "-XX:TieredStopAtLevel=1")
                .start()
                .awaitReady(TIMEOUT);
    }

    @AfterEach
    void stopInstances() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        peer.close();
        catalog.shutDownDatabase();
        context.close();
        CachingServices.resetDefaultBackend(here);
        here.close();
    }

    private String peer(String command) {
        return peer.request(command, TIMEOUT);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void anInstanceThatReadsBetweenTheInvalidationAndTheCommitServesTheNewValueAfterTheCommit() throws Exception {
        assertThat(peer("GET 1")).isEqualTo("Espresso");
        CountDownLatch invalidated = new CountDownLatch(1);
        CountDownLatch peerRead = new CountDownLatch(1);
        Future<?> transaction = pool.submit(() -> catalog.rename(1, "Ristretto", () -> {
            invalidated.countDown();
            awaitLatch(peerRead);
        }));
        awaitLatch(invalidated);

        // the invalidation made inside the transaction reaches the peer, which then misses and stores the old row
        await().atMost(TIMEOUT).until(() -> {
            assertThat(peer("GET 1")).isEqualTo("Espresso");
            return peer("LOADS").equals("2");
        });
        peerRead.countDown();
        transaction.get(10, TimeUnit.SECONDS);

        await().atMost(TIMEOUT).until(() -> peer("GET 1").equals("Ristretto"));
        assertThat(catalog.getName(1)).isEqualTo("Ristretto");
    }
}
