package dev.weft.samples.catalog;

import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.process.TestDirectories;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.weft.samples.catalog.CatalogClient.counter;
import static dev.weft.samples.catalog.CatalogClient.field;
import static dev.weft.samples.catalog.CatalogClient.get;
import static dev.weft.samples.catalog.CatalogClient.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code demo.sh --l2} shows, as a test: with {@code --backend=l2}, an instance started after another cached a
 * product answers its first request for it from Redis (the database query counter of the late instance stays at
 * zero), and an update through one instance is read fresh from the other within a second.
 */
class RedisLevelCatalogTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CATALOG_READY = Pattern.compile(CatalogServer.READY + " instance=\\S+ port=(\\d+) .*");

    private static final List<JvmProcess> processes = new ArrayList<>();
    private static RedisServerProcess redis;
    private static String databaseUrl;
    private static URI api1;

    @BeforeAll
    static void startEverything() {
        redis = RedisServerProcess.start();
        Path work = TestDirectories.newDirectory("catalog", "redis-level");
        JvmProcess database = launch(DatabaseServer.class, "database", "--port=0", "--db-dir=" + work.resolve("db"));
        databaseUrl = database.expectLine(DatabaseServer.READY + " url=(\\S+) port=\\d+", START_TIMEOUT).group(1);
        api1 = startApi("api-1");
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

    @Test
    void anInstanceStartedLateAnswersItsFirstRequestFromRedis() {
        assertThat(field(get(api1, "/products/4242"), "source")).isEqualTo("database");

        URI late = startApi("api-late");
        String first = get(late, "/products/4242");

        assertThat(field(first, "source")).isEqualTo("cache");
        assertThat(field(first, "name")).isEqualTo("Product 4242");
        assertThat(counter(late, "loads")).as("database queries on the late instance").isZero();
        assertThat(counter(late, "l2Hits")).isEqualTo(1);
    }

    @Test
    void anUpdateThroughOneInstanceIsReadFreshFromAnotherWithinOneSecond() {
        URI other = startApi("api-other");
        assertThat(field(get(other, "/products/77"), "name")).isEqualTo("Product 77");
        put(api1, "/products/77?name=Espresso%20Cup");
        await().atMost(Duration.ofSeconds(1)).until(() -> field(get(other, "/products/77"), "name")
                .equals("Espresso Cup"));
    }

    private static URI startApi(String name) {
        JvmProcess api = launch(CatalogServer.class, name, "--port=0", "--instance=" + name,
                "--db-url=" + databaseUrl, "--backend=l2", "--redis-uri=" + redis.uri(),
                "--redis-channel=catalog-l2-test");
        return URI.create("http://127.0.0.1:" + api.expectLine(CATALOG_READY.pattern(), START_TIMEOUT).group(1));
    }

    private static JvmProcess launch(Class<?> main, String name, String... args) {
        JvmProcess process = JvmLauncher.forMainClass(main)
                .name(name)
                .args(args)
                .jvmArgs("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .systemProperty("org.slf4j.simpleLogger.defaultLogLevel", "info")
                .start();
        processes.add(process);
        return process;
    }
}
