package dev.weft.samples.catalog;

import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.process.TestDirectories;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.weft.samples.catalog.CatalogClient.cacheOn;
import static dev.weft.samples.catalog.CatalogClient.connected;
import static dev.weft.samples.catalog.CatalogClient.counter;
import static dev.weft.samples.catalog.CatalogClient.field;
import static dev.weft.samples.catalog.CatalogClient.get;
import static dev.weft.samples.catalog.CatalogClient.price;
import static dev.weft.samples.catalog.CatalogClient.put;
import static dev.weft.samples.catalog.CatalogClient.updatePriceInTheDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code demo.sh} shows, as a test: a real redis-server, the database server, two API instances and the change
 * feed, each in its own JVM, driven over HTTP like any client would. An update through one instance is read fresh
 * from the other within a second; a change made in the database by plain JDBC reaches both through the change feed
 * within a few seconds, also after Redis restarted and after the feed itself restarted.
 */
class MultiInstanceCatalogTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BETWEEN_INSTANCES = Duration.ofSeconds(1);
    private static final Duration THROUGH_THE_FEED = Duration.ofSeconds(5);
    private static final Pattern CATALOG_READY = Pattern.compile(CatalogServer.READY + " instance=\\S+ port=(\\d+) .*");

    private static final List<JvmProcess> processes = new ArrayList<>();
    private static RedisServerProcess redis;
    private static Path work;
    private static String databaseUrl;
    private static URI api1;
    private static URI api2;
    private static JvmProcess feed;

    @BeforeAll
    static void startEverything() {
        redis = RedisServerProcess.start();
        work = TestDirectories.newDirectory("catalog", "multi-instance");
        JvmProcess database = launch(DatabaseServer.class, "database",
                "--port=0", "--db-dir=" + work.resolve("db"));
        databaseUrl = database.expectLine(DatabaseServer.READY + " url=(\\S+) port=\\d+", START_TIMEOUT).group(1);
        // Started together: three JVM start-ups overlap instead of adding up.
        JvmProcess first = launchApi("api-1");
        JvmProcess second = launchApi("api-2");
        feed = launchFeed();
        api1 = URI.create("http://127.0.0.1:" + first.expectLine(CATALOG_READY.pattern(), START_TIMEOUT).group(1));
        api2 = URI.create("http://127.0.0.1:" + second.expectLine(CATALOG_READY.pattern(), START_TIMEOUT).group(1));
        feed.awaitLine(ChangeFeed.READY, START_TIMEOUT);
    }

    @AfterAll
    static void stopEverything() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void bothInstancesAreSubscribed() {
        // A test that restarts Redis leaves them resubscribing; every test starts from connected instances.
        await().atMost(Duration.ofSeconds(15)).until(() -> connected(api1) && connected(api2));
    }

    @Test
    void aColdReadComesFromTheDatabaseAndTheNextOneFromTheCache() {
        String cold = get(api1, "/products/42");
        String warm = get(api1, "/products/42");

        assertThat(field(cold, "source")).isEqualTo("database");
        assertThat(field(warm, "source")).isEqualTo("cache");
        assertThat(field(warm, "name")).isEqualTo("Product 42");
        assertThat(field(warm, "instance")).isEqualTo("api-1");
    }

    @Test
    void anUpdateThroughOneInstanceIsReadFreshFromTheOtherWithinOneSecond() {
        cacheOn(api2, 7);
        long sentBefore = counter(api1, "messagesSent");

        String updated = put(api1, "/products/7?name=Weft%20Mug&priceCents=1599");

        assertThat(field(updated, "name")).isEqualTo("Weft Mug");
        // The change feed would publish this change too, a little later: api-1 must have published it itself. A write
        // waits for its publication only while the publisher's circuit is closed; just after another test restarted
        // Redis the circuit may still be open (writes never stall), and the counter moves a moment later.
        await().atMost(BETWEEN_INSTANCES).until(() -> counter(api1, "messagesSent") > sentBefore);
        await().atMost(BETWEEN_INSTANCES).until(() -> field(get(api2, "/products/7"), "name").equals("Weft Mug"));
    }

    @Test
    void aChangeMadeDirectlyInTheDatabaseReachesBothInstancesThroughTheChangeFeed() throws SQLException {
        cacheOn(api1, 9);
        cacheOn(api2, 9);

        updatePriceInTheDatabase(databaseUrl, 9, 4999);

        await().atMost(THROUGH_THE_FEED).until(() -> price(api1, 9) == 4999 && price(api2, 9) == 4999);
        assertThat(feed.stderrLines()).anyMatch(line -> line.contains("invalidateDependency(\"product:9\")"));
    }

    @Test
    void statsShowTheCountersAndTheInvalidatorStatus() {
        cacheOn(api1, 3);

        String stats = get(api1, "/stats");

        assertThat(field(stats, "instance")).isEqualTo("api-1");
        assertThat(Long.parseLong(field(stats, "hits"))).isPositive();
        assertThat(Long.parseLong(field(stats, "misses"))).isPositive();
        assertThat(field(stats, "state")).isEqualTo("CONNECTED");
        assertThat(field(stats, "connected")).isEqualTo("true");
        assertThat(field(stats, "gapsDetected")).isEqualTo("0");
    }

    @Test
    void theChangeFeedStillPublishesAfterRedisRestarted() throws SQLException {
        long api1Subscriptions = counter(api1, "subscriptions");
        long api2Subscriptions = counter(api2, "subscriptions");

        redis.restart();
        // Each resubscription clears the instance's cache: wait for it, so that what the test caches stays cached.
        await().atMost(Duration.ofSeconds(15)).until(() -> counter(api1, "subscriptions") > api1Subscriptions
                && counter(api2, "subscriptions") > api2Subscriptions && connected(api1) && connected(api2));
        cacheOn(api1, 11);
        cacheOn(api2, 11);

        updatePriceInTheDatabase(databaseUrl, 11, 1111);

        await().atMost(THROUGH_THE_FEED).until(() -> price(api1, 11) == 1111 && price(api2, 11) == 1111);
    }

    @Test
    void aRestartedChangeFeedPublishesTheChangesMadeWhileItWasDown() throws SQLException {
        feed.close();
        cacheOn(api1, 13);
        cacheOn(api2, 13);

        updatePriceInTheDatabase(databaseUrl, 13, 1313);
        feed = launchFeed();
        feed.awaitLine(ChangeFeed.READY, START_TIMEOUT);

        await().atMost(THROUGH_THE_FEED).until(() -> price(api1, 13) == 1313 && price(api2, 13) == 1313);
    }

    // ---- the processes ------------------------------------------------------------------------------------------

    private static JvmProcess launch(Class<?> main, String name, String... args) {
        JvmProcess process = JvmLauncher.forMainClass(main)
                .name(name)
                .args(args)
                // small and quick to start: these JVMs serve a handful of requests
                .jvmArgs("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                // the test class path's logging configuration is quiet; the processes under test log as in production
                .systemProperty("org.slf4j.simpleLogger.defaultLogLevel", "info")
                .start();
        processes.add(process);
        return process;
    }

    private static JvmProcess launchApi(String name) {
        return launch(CatalogServer.class, name, "--port=0", "--instance=" + name, "--db-url=" + databaseUrl,
                "--backend=redis", "--redis-uri=" + redis.uri(), "--redis-channel=catalog-test");
    }

    private static JvmProcess launchFeed() {
        return launch(ChangeFeed.class, "change-feed", "--db-url=" + databaseUrl, "--redis-uri=" + redis.uri(),
                "--redis-channel=catalog-test", "--poll-interval=50ms",
                "--position-file=" + work.resolve("change-feed.position"));
    }
}
