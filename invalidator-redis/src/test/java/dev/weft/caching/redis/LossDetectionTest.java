package dev.weft.caching.redis;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages injected on the channel with a raw Lettuce connection, as a misbehaving or unlucky peer would send them:
 * a skipped sequence number, a replay, garbage, a newer format version.
 */
class LossDetectionTest {

    static RedisServerProcess redis;
    static RedisClient rawClient;
    static StatefulRedisConnection<byte[], byte[]> raw;
    RedisFixture fixture;
    CacheInvalidator invalidator;
    ProductCatalog here;
    final UUID peer = UUID.randomUUID();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
        rawClient = RedisClient.create(redis.uri());
        raw = rawClient.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stopRedis() {
        raw.close();
        rawClient.shutdown();
        redis.close();
    }

    @BeforeEach
    void start() throws Exception {
        fixture = new RedisFixture();
        invalidator = fixture.local(redis.uri());
        here = new ProductCatalog();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private void inject(byte[] bytes) {
        raw.sync().publish(fixture.channel.getBytes(StandardCharsets.UTF_8), bytes);
    }

    private void injectMessage(long sequence, Operation... ops) {
        inject(new InvalidationMessage(peer, System.currentTimeMillis() - 60_000, sequence,
                System.currentTimeMillis(), List.of(ops)).encode());
    }

    private void awaitReceived(long messages) {
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().messagesReceived()
                + invalidator.status().duplicateMessages() + invalidator.status().malformedMessages()
                + invalidator.status().unknownVersionMessages() >= messages);
    }

    @Test
    void aSkippedSequenceNumberClearsTheCacheAndCountsOneGap() {
        injectMessage(1, Operation.key("unrelated"));
        awaitReceived(1);
        here.getProduct(1);
        int calls = here.sourceCalls.get();
        injectMessage(3, Operation.key("also unrelated"));
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().gapsDetected() == 1);
        assertThat(invalidator.status().messagesLost()).isEqualTo(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("the local cache was cleared").isEqualTo(calls + 1);
    }

    @Test
    void aReplayedOldMessageIsIgnoredAndIsNotAGap() {
        injectMessage(1, Operation.key("a"));
        injectMessage(2, Operation.key("b"));
        awaitReceived(2);
        here.getProduct(1);
        injectMessage(1, Operation.key("a"));
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().duplicateMessages() == 1);
        here.getProduct(1);
        assertThat(invalidator.status().gapsDetected()).isZero();
        assertThat(here.sourceCalls.get()).as("nothing was cleared").isEqualTo(1);
    }

    @Test
    void aMalformedMessageIsCountedAndIgnored() {
        here.getProduct(1);
        inject("{\"not\":\"a weft message\"}".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = new InvalidationMessage(peer, 0, 1, 0, List.of(Operation.key("k"))).encode();
        inject(java.util.Arrays.copyOf(truncated, truncated.length - 2));
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().malformedMessages() == 2);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("the cache was not touched").isEqualTo(1);
        assertThat(invalidator.status().gapsDetected()).isZero();
        injectMessage(7, Operation.key("still alive"));
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().messagesReceived() == 1);
    }

    @Test
    void aMessageOfAnUnknownVersionClearsTheCache() {
        here.getProduct(1);
        byte[] future = new InvalidationMessage(peer, 0, 1, 0, List.of(Operation.key("k"))).encode();
        future[2] = 9;
        inject(future);
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().unknownVersionMessages() == 1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(2);
    }

    @Test
    void aKeyInvalidationFromAPeerAppliesToTheLocalCache() {
        here.getProduct(1);
        injectMessage(1, Operation.key("dev.weft.caching.redis.ProductCatalog.getProduct(1L)"));
        awaitReceived(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(2);
    }
}
