package dev.weft.caching.redis;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.net.TcpProxy;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, case 8: a background reconnect that finished after {@code close()} installed its subscriber anyway,
 * leaking a connection on a client the application owns. The race is staged with a proxy that holds the reconnect
 * in the middle of its handshake while the invalidator closes. Fails without the check under the transport's lock.
 */
class CloseReconnectRaceTest {

    @Test
    void aReconnectThatFinishesAfterCloseLeavesNoConnectionOpen() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
             TcpProxy proxy = TcpProxy.start(redis.port())) {
            RedisClient applicationsClient = RedisClient.create("redis://127.0.0.1:" + proxy.port());
            try {
                proxy.cut();
                CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                        applicationsClient, RedisCacheInvalidatorOptions.builder()
                                .requireConnectionAtStart(false).build());
                assertThat(invalidator.status().connected()).isFalse();
                // the next background attempt connects to the proxy and waits there, handshake unanswered
                int before = proxy.connectionsAccepted();
                proxy.holdNewConnections(true);
                proxy.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> proxy.connectionsAccepted() > before);

                invalidator.close();
                proxy.holdNewConnections(false);

                await().atMost(Duration.ofSeconds(30)).until(() -> proxy.openConnections() == 0);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> proxy.openConnections() == 0);
                assertThat(invalidator.status().connected()).isFalse();
                assertThat(applicationsClient.connect().sync().ping()).as("the application's client stays usable")
                        .isEqualTo("PONG");
            } finally {
                applicationsClient.shutdown();
            }
        }
    }
}
