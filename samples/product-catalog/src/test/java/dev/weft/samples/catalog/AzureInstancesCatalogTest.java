package dev.weft.samples.catalog;

import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.process.TestDirectories;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.weft.samples.catalog.CatalogClient.cacheOn;
import static dev.weft.samples.catalog.CatalogClient.field;
import static dev.weft.samples.catalog.CatalogClient.get;
import static dev.weft.samples.catalog.CatalogClient.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The catalog's Azure variant: two API instances in their own JVMs, each with its own pre-provisioned subscription
 * on one Service Bus topic, served by the in-process endpoint that speaks the real SDK's protocol. An update through
 * one instance is read fresh from the other within a second.
 */
class AzureInstancesCatalogTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern CATALOG_READY = Pattern.compile(CatalogServer.READY + " instance=\\S+ port=(\\d+) .*");
    private static final String TOPIC = "catalog-invalidation";

    private static final List<JvmProcess> processes = new ArrayList<>();
    private static ServiceBusTestEndpoint serviceBus;
    private static URI api1;
    private static URI api2;

    @BeforeAll
    static void startEverything() {
        serviceBus = ServiceBusTestEndpoint.start();
        serviceBus.model().createTopic(TOPIC);
        serviceBus.model().createSubscription(TOPIC, "api-1");
        serviceBus.model().createSubscription(TOPIC, "api-2");
        Path work = TestDirectories.newDirectory("catalog", "azure-instances");
        JvmProcess database = launch(DatabaseServer.class, "database", "--port=0", "--db-dir=" + work.resolve("db"));
        String databaseUrl = database.expectLine(DatabaseServer.READY + " url=(\\S+) port=\\d+", START_TIMEOUT)
                .group(1);
        JvmProcess first = launchApi("api-1", databaseUrl);
        JvmProcess second = launchApi("api-2", databaseUrl);
        api1 = URI.create("http://127.0.0.1:" + first.expectLine(CATALOG_READY.pattern(), START_TIMEOUT).group(1));
        api2 = URI.create("http://127.0.0.1:" + second.expectLine(CATALOG_READY.pattern(), START_TIMEOUT).group(1));
    }

    @AfterAll
    static void stopEverything() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        if (serviceBus != null) {
            serviceBus.close();
        }
    }

    private static JvmProcess launch(Class<?> main, String name, String... args) {
        JvmProcess process = JvmLauncher.forMainClass(main)
                .name(name)
                .args(args)
                .jvmArgs("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .systemProperty("org.slf4j.simpleLogger.log.com.azure", "error")
                .start();
        processes.add(process);
        return process;
    }

    private static JvmProcess launchApi(String name, String databaseUrl) {
        return launch(CatalogServer.class, name, "--port=0", "--instance=" + name, "--db-url=" + databaseUrl,
                "--backend=azure", "--azure-connection-string=" + serviceBus.connectionString(),
                "--azure-topic=" + TOPIC, "--azure-subscription=existing:" + name);
    }

    @Test
    void anUpdateThroughOneInstanceIsReadFreshFromTheOtherWithinASecond() {
        cacheOn(api2, 21);
        String updated = put(api1, "/products/21?name=Azure%20Mug&priceCents=2100");
        assertThat(field(updated, "name")).isEqualTo("Azure Mug");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> field(get(api2, "/products/21"), "name").equals("Azure Mug"));
    }

    @Test
    void statisticsShowTheServiceBusInvalidator() {
        String stats = get(api1, "/stats");
        assertThat(field(stats, "state")).isEqualTo("CONNECTED");
        assertThat(field(stats, "backend")).isEqualTo("azure (topic '" + TOPIC + "')");
    }
}
