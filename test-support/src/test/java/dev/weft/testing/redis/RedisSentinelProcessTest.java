package dev.weft.testing.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisSentinelProcessTest {

    @Test
    void sentinelReportsTheMasterAndLettuceConnectsThroughIt() throws IOException {
        try (RedisServerProcess master = RedisServerProcess.start();
             RedisSentinelProcess sentinel = RedisSentinelProcess.start(master)) {
            assertThat(sentinel.port()).isNotEqualTo(master.port());
            assertThat(RawResp.firstReplyLine(sentinel.port(), "PING")).isEqualTo("+PONG");
            assertThat(sentinel.masterAddress())
                    .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", master.port()));
            assertThat(sentinel.uri()).isEqualTo("redis-sentinel://127.0.0.1:" + sentinel.port() + "#mymaster");

            RedisClient client = RedisClient.create(sentinel.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().set("through", "sentinel");
                assertThat(connection.sync().get("through")).isEqualTo("sentinel");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void sentinelOfAPasswordProtectedMasterSurvivesAMasterRestart() {
        try (RedisServerProcess master = RedisServerProcess.builder().password("pw").start();
             RedisSentinelProcess sentinel = RedisSentinelProcess.builder(master).masterName("weft-master")
                     .downAfter(Duration.ofMillis(500)).start()) {
            RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", sentinel.port(), "weft-master")
                    .withPassword("pw".toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
            RedisClient client = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");

                master.kill();
                master.restart();

                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(connection.sync().ping()).isEqualTo("PONG"));
                assertThat(sentinel.masterAddress().getPort()).isEqualTo(master.port());

                int sentinelPort = sentinel.port();
                sentinel.kill();
                sentinel.restart();
                assertThat(sentinel.port()).isEqualTo(sentinelPort);
                assertThat(sentinel.masterAddress().getPort()).isEqualTo(master.port());
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void sentinelAuthenticatesToAnAclMaster() {
        try (RedisServerProcess master = RedisServerProcess.builder().aclUser("weft", "secret").start();
             RedisSentinelProcess sentinel = RedisSentinelProcess.start(master)) {
            assertThat(sentinel.configFile()).content().contains("auth-user mymaster weft");
            RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", sentinel.port(), "mymaster")
                    .withAuthentication("weft", "secret").build();
            RedisClient client = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().aclWhoami()).isEqualTo("weft");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aSentinelPromotesTheReplicaWhenTheMasterIsKilled() {
        try (RedisServerProcess master = RedisServerProcess.builder().password("pw").start();
             RedisServerProcess replica = RedisServerProcess.builder().replicaOf(master).password("pw").start();
             RedisSentinelProcess sentinel = RedisSentinelProcess.builder(master).replica(replica)
                     .downAfter(Duration.ofSeconds(1)).failoverTimeout(Duration.ofSeconds(3)).start()) {
            assertThat(replica.role()).isEqualTo("slave");
            master.call("SET", "written", "before");
            await().atMost(Duration.ofSeconds(5)).until(() -> "before".equals(replica.call("GET", "written")));

            master.kill();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
                    InetSocketAddress.createUnresolved("127.0.0.1", replica.port()).equals(sentinel.masterAddress()));
            assertThat(replica.role()).isEqualTo("master");
            assertThat(replica.call("GET", "written")).as("the replica's copy survives").isEqualTo("before");
            assertThat(replica.call("SET", "written", "after")).as("and takes writes").isEqualTo("OK");
        }
    }

    @Test
    void aReplicaMustBeNamedForItsMaster() {
        try (RedisServerProcess master = RedisServerProcess.start();
             RedisServerProcess other = RedisServerProcess.start();
             RedisServerProcess replica = RedisServerProcess.builder().replicaOf(other).start()) {
            assertThatThrownBy(() -> RedisSentinelProcess.builder(master).replica(replica))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not started as a replica of");
        }
    }

    @Test
    void aSentinelNeedsARunningMaster() {
        try (RedisServerProcess master = RedisServerProcess.start()) {
            master.stop();
            assertThatThrownBy(() -> RedisSentinelProcess.start(master))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must run");
        }
    }
}
