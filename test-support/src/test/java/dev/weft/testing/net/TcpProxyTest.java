package dev.weft.testing.net;

import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The proxy's faults, against a real redis-server and Lettuce. */
class TcpProxyTest {

    static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void aPauseHoldsTrafficBothWaysUntilResumed() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(redis.port())) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + proxy.port());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().ping()).isEqualTo("PONG");
                proxy.pause();
                CompletableFuture<String> ping = c.async().ping().toCompletableFuture();
                assertThatThrownBy(() -> ping.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
                assertThat(c.isOpen()).as("nobody was told").isTrue();
                proxy.resume();
                assertThat(ping.get(10, TimeUnit.SECONDS)).isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aCutResetsEveryConnectionAndRefusesNewOnesUntilRestored() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(redis.port())) {
            try (Socket s = new Socket(FreePorts.loopback(), proxy.port())) {
                await().until(() -> proxy.openConnections() == 1);
                proxy.cut();
                InputStream in = s.getInputStream();
                assertThatThrownBy(() -> {
                    if (in.read() < 0) {
                        throw new java.io.EOFException();
                    }
                }).isInstanceOf(java.io.IOException.class);
            }
            try (Socket refused = new Socket(FreePorts.loopback(), proxy.port())) {
                assertThatThrownBy(() -> {
                    if (refused.getInputStream().read() < 0) {
                        throw new java.io.EOFException();
                    }
                }).isInstanceOf(java.io.IOException.class);
            }
            proxy.restore();
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + proxy.port());
            try {
                assertThat(client.connect().sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void heldConnectionsWaitUntilReleased() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(redis.port())) {
            proxy.holdNewConnections(true);
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + proxy.port());
            try {
                CompletableFuture<StatefulRedisConnection<String, String>> connecting = CompletableFuture
                        .supplyAsync(client::connect);
                await().until(() -> proxy.connectionsAccepted() == 1);
                assertThat(proxy.openConnections()).as("not connected upstream yet").isZero();
                proxy.holdNewConnections(false);
                assertThat(connecting.get(10, TimeUnit.SECONDS).sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    /** Both protocol versions: RESP3 pushes (Lettuce's default) and RESP2 arrays. */
    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void chosenPubSubMessagesAreDroppedForTheProxiedSubscriberOnly(ProtocolVersion protocol) throws Exception {
        try (TcpProxy proxy = TcpProxy.forRedis(redis.port())) {
            proxy.dropPubSubMessages((channel, payload) -> new String(payload, StandardCharsets.UTF_8).equals("two"));
            RedisClient viaProxy = RedisClient.create("redis://127.0.0.1:" + proxy.port());
            RedisClient direct = RedisClient.create(redis.uri());
            viaProxy.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            try {
                List<String> proxied = subscribe(viaProxy);
                List<String> everything = subscribe(direct);
                try (StatefulRedisConnection<String, String> publisher = direct.connect()) {
                    for (String m : List.of("one", "two", "three")) {
                        publisher.sync().publish("proxy-test", m);
                    }
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> everything.size() == 3 && proxied.size() == 2);
                assertThat(proxied).containsExactly("one", "three");
                assertThat(proxy.droppedMessages()).isEqualTo(1);
            } finally {
                viaProxy.shutdown();
                direct.shutdown();
            }
        }
    }

    private static List<String> subscribe(RedisClient client) throws InterruptedException {
        List<String> received = new CopyOnWriteArrayList<>();
        StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        CountDownLatch subscribed = new CountDownLatch(1);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received.add(message);
            }

            @Override
            public void subscribed(String channel, long count) {
                subscribed.countDown();
            }
        });
        sub.sync().subscribe("proxy-test");
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
        return received;
    }
}
