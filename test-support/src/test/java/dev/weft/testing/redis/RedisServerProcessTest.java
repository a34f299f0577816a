package dev.weft.testing.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.testing.net.FreePorts;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisServerProcessTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private static RedisURI withTimeout(String uri) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(COMMAND_TIMEOUT);
        return redisUri;
    }

    @Test
    void resolvesARunnableBinary() {
        RedisBinary binary = RedisBinary.resolve();

        assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(binary.isAtLeast(6, 0)).as("ACL and TLS tests need 6.0+: %s", binary).isTrue();
        if (System.getProperty(RedisBinary.PATH_PROPERTY) == null && System.getenv(RedisBinary.PATH_ENV) == null) {
            assertThat(binary.source()).as("%s", binary).isEqualTo(RedisBinary.Source.BUNDLED);
        }
    }

    @Test
    void startsOnAFreePortAndAnswersPingOverARawSocket() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(RawResp.firstReplyLine(redis.port(), "PING")).isEqualTo("+PONG");
            assertThat(redis.configFile()).content().contains("save \"\"", "appendonly no", "bind 127.0.0.1");
        }
    }

    @Test
    void killThenRestartOnTheSamePortAndLettuceReconnectsAndResubscribesByItself() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            RedisClient client = RedisClient.create(withTimeout(redis.uri()));
            try {
                StatefulRedisConnection<String, String> connection = client.connect();
                RedisCommands<String, String> commands = connection.sync();
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
                subscriber.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        received.add(message);
                    }
                });
                subscriber.sync().subscribe("weft:test");
                commands.set("key", "value");
                int port = redis.port();
                long firstPid = redis.pid();

                redis.kill();

                assertThat(redis.isRunning()).isFalse();
                assertThat(ProcessHandle.of(firstPid)).isEmpty();
                assertThat(catchThrowable(() -> RawResp.firstReplyLine(port, "PING"))).isInstanceOf(IOException.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isOpen() && !subscriber.isOpen());

                redis.restart();

                assertThat(redis.port()).isEqualTo(port);
                assertThat(redis.pid()).isNotEqualTo(firstPid);
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(commands.ping()).isEqualTo("PONG"));
                assertThat(commands.get("key")).as("no persistence: a restarted server is empty").isNull();
                // Lettuce re-subscribes after its reconnect; publish until the subscription is back.
                await().atMost(Duration.ofSeconds(20)).until(() -> commands.publish("weft:test", "hello") > 0);
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void stopIsGracefulAndCloseIsIdempotent() throws IOException {
        RedisServerProcess redis = RedisServerProcess.start();
        int port = redis.port();
        redis.stop();
        assertThat(redis.isRunning()).isFalse();
        assertThat(FreePorts.isFree(port)).isTrue();
        assertThat(redis.logTail(20)).contains("ready to exit");

        redis.restart();
        assertThat(RawResp.firstReplyLine(port, "PING")).isEqualTo("+PONG");

        redis.close();
        redis.close();
        redis.kill();
        assertThat(redis.isRunning()).isFalse();
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void passwordRejectsUnauthenticatedCommands() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("s3cret pass").start()) {
            assertThat(RawResp.firstReplyLine(redis.port(), "PING")).startsWith("-NOAUTH");

            RedisClient client = RedisClient.create(redis.uriWithCredentials());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aclUserIsTheOnlyWayIn() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.builder().aclUser("weft", "p@ss").start()) {
            assertThat(RawResp.firstReplyLine(redis.port(), "PING")).startsWith("-NOAUTH");
            assertThat(RawResp.firstReplyLine(redis.port(), "AUTH default ''")).startsWith("-WRONGPASS");

            RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(redis.port())
                    .withAuthentication("weft", "p@ss").build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().aclWhoami()).isEqualTo("weft");
                assertThat(connection.sync().publish("any-channel", "allowed")).isZero();
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void tlsServerTalksOnlyTls() {
        RedisBinary binary = RedisBinary.resolve();
        assumeTrue(binary.supportsTls(), () -> binary + " has no TLS");
        RedisTls tls = RedisTls.selfSigned();
        try (RedisServerProcess redis = RedisServerProcess.builder().tls(tls).start()) {
            assertThat(redis.uri()).isEqualTo("rediss://127.0.0.1:" + redis.port());
            String plainReply;
            try {
                plainReply = RawResp.firstReplyLine(redis.port(), "PING");
            } catch (IOException dropped) {
                plainReply = null;
            }
            assertThat(plainReply).as("a plain-text client gets no answer").isNotEqualTo("+PONG");

            RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .truststore(tls.truststore().toFile(), tls.truststorePassword()).build()).build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void countsPublishesAndDisconnectsClients() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            RedisClient client = RedisClient.create(withTimeout(redis.uri()));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                for (int i = 0; i < 3; i++) {
                    connection.sync().publish("weft:test", "m" + i);
                }
                assertThat(redis.publishCount()).isEqualTo(3);
                redis.resetStats();
                assertThat(redis.publishCount()).isZero();

                assertThat(redis.disconnectClients()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(connection.sync().ping()).isEqualTo("PONG"));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aFailedStartQuotesTheLog() {
        assertThatThrownBy(() -> RedisServerProcess.builder().config("maxmemory", "lots").start())
                .isInstanceOf(RedisProcessException.class)
                .hasMessageContaining("exited with code 1 before answering")
                .hasMessageContaining("redis-server.log")
                .hasMessageContaining("maxmemory");
    }

    @Test
    void aTakenFixedPortFailsWithinTheStartupTimeout() throws IOException {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(FreePorts.loopback(), FreePorts.findFreePort()));
            assertThatThrownBy(() -> RedisServerProcess.builder().port(squatter.getLocalPort())
                    .startupTimeout(Duration.ofMillis(300)).start())
                    .isInstanceOf(RedisProcessException.class)
                    .hasMessageContaining("127.0.0.1:" + squatter.getLocalPort())
                    .hasMessageContaining("still in use");
        }
    }
}
