package dev.weft.samples.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options from the command line and system properties, and the errors a typo gets. */
class ConfigurationTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("catalog.port");
        System.clearProperty("catalog.backend");
    }

    @Test
    void defaultsRunOneInstanceOnAPrivateDatabase() {
        ServerConfig config = ServerConfig.from(new String[0]);

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.databaseUrl()).isEqualTo(ServerConfig.DEFAULT_DATABASE_URL);
        assertThat(config.backend()).isEqualTo(ServerConfig.Backend.MEMORY);
        assertThat(config.instanceName()).isEmpty();
    }

    @Test
    void optionsAreReadInBothForms() {
        ServerConfig config = ServerConfig.from(new String[] {"--port=0", "--backend", "REDIS",
            "--redis-uri=redis://127.0.0.1:7000", "--instance=api-1"});

        assertThat(config.port()).isZero();
        assertThat(config.backend()).isEqualTo(ServerConfig.Backend.REDIS);
        assertThat(config.redisUri()).isEqualTo("redis://127.0.0.1:7000");
        assertThat(config.instanceName()).contains("api-1");
    }

    @Test
    void aSystemPropertySetsAnOptionTheCommandLineDoesNot() {
        System.setProperty("catalog.port", "9000");
        System.setProperty("catalog.backend", "redis");

        ServerConfig config = ServerConfig.from(new String[] {"--port=9001"});

        assertThat(config.port()).isEqualTo(9001);
        assertThat(config.backend()).isEqualTo(ServerConfig.Backend.REDIS);
    }

    @Test
    void anUnknownOptionIsRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--prot=1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--prot")
                .hasMessageContaining("--port");
    }

    @Test
    void badValuesAreRejectedWithTheOptionNamed() {
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--port=http"})).hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--port=70000"})).hasMessageContaining("65535");
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--backend=hazelcast"}))
                .hasMessageContaining("memory, redis, azure or l2");
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--instance=api 1"}))
                .hasMessageContaining("--instance");
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--port"})).hasMessageContaining("no value");
    }

    @Test
    void theAzureBackendNeedsAConnectionStringAndAKnownSubscriptionStrategy() {
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--backend=azure"}))
                .hasMessageContaining("--azure-connection-string");
        assertThatThrownBy(() -> ServerConfig.from(new String[] {"--backend=azure",
                "--azure-connection-string=Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b",
                "--azure-subscription=shared"}))
                .hasMessageContaining("--azure-subscription").hasMessageContaining("shared");
        ServerConfig config = ServerConfig.from(new String[] {"--backend=azure",
                "--azure-connection-string=Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b",
                "--azure-topic=t", "--azure-subscription=existing:api-1"});
        assertThat(config.azureTopic()).isEqualTo("t");
        assertThat(config.azureSubscription()).isEqualTo("existing:api-1");
    }

    @Test
    void theChangeFeedNeedsTheSharedDatabase() {
        assertThatThrownBy(() -> FeedConfig.from(new String[0])).hasMessageContaining("--db-url");
    }

    @Test
    void theChangeFeedReadsDurations() {
        FeedConfig config = FeedConfig.from(new String[] {"--db-url=jdbc:h2:mem:x", "--poll-interval=250ms",
            "--gap-timeout=PT30S", "--position-file=feed.pos"});

        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.gapTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.positionFile()).isEqualTo(Path.of("feed.pos"));
        assertThatThrownBy(() -> FeedConfig.from(new String[] {"--db-url=x", "--poll-interval=soon"}))
                .hasMessageContaining("--poll-interval");
        assertThatThrownBy(() -> FeedConfig.from(new String[] {"--db-url=x", "--poll-interval=0ms"}))
                .hasMessageContaining("positive");
    }
}
