package dev.weft.caching.redis;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.invalidation.PublishMode;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What goes on the wire: only invalidations, batched, never a message for a miss, and one's own are ignored. */
class PublishingTest {

    static RedisServerProcess redis;
    RedisFixture fixture;
    RedisClient watcherClient;
    final ConcurrentLinkedQueue<byte[]> onTheWire = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void start() throws Exception {
        fixture = new RedisFixture();
        watcherClient = RedisClient.create(redis.uri());
        StatefulRedisPubSubConnection<byte[], byte[]> watcher = watcherClient.connectPubSub(ByteArrayCodec.INSTANCE);
        CountDownLatch subscribed = new CountDownLatch(1);
        watcher.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onTheWire.add(message);
            }

            @Override
            public void subscribed(byte[] channel, long count) {
                subscribed.countDown();
            }
        });
        watcher.sync().subscribe(fixture.channel.getBytes(StandardCharsets.UTF_8));
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        watcherClient.shutdown();
    }

    private static List<InvalidationMessage> decode(Iterable<byte[]> messages) throws Exception {
        List<InvalidationMessage> decoded = new ArrayList<>();
        for (byte[] m : messages) {
            decoded.add(InvalidationMessage.decode(m, new InvalidationMessage.Limits(1 << 24, 1 << 20)));
        }
        return decoded;
    }

    @Test
    void missesAndHitsPublishNothing() throws Exception {
        fixture.local(redis.uri());
        ProductCatalog here = new ProductCatalog();
        redis.resetStats();
        for (int i = 0; i < 100; i++) {
            here.getProduct(i % 10);
        }
        assertThat(here.sourceCalls.get()).isEqualTo(10);
        assertThat(redis.publishCount()).as("PUBLISH commands seen by redis-server").isZero();
        here.rename(1, "x");
        assertThat(redis.publishCount()).isEqualTo(1);
    }

    @Test
    void ownMessagesComeBackAndAreIgnored() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri());
        ProductCatalog here = new ProductCatalog();
        here.getProduct(2);
        CachingServices.invalidateDependency("product:1");
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().ownMessagesIgnored() == 1);
        here.getProduct(2);
        assertThat(here.sourceCalls.get()).as("its own message did not touch the cache again").isEqualTo(1);
        assertThat(invalidator.status().messagesReceived()).isZero();
    }

    /**
     * Group commit, made deterministic: Redis is paused for writes (CLIENT PAUSE WRITE holds PUBLISH), so the first
     * message stays in flight while the eight threads issue their 10,000 invalidations; everything issued meanwhile
     * must then go out packed into as few messages as the size limit allows.
     */
    @Test
    void tenThousandInvalidationsFromEightThreadsArriveCompleteInFarFewerMessages() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri(), RedisCacheInvalidatorOptions.builder()
                .maxMessageBytes(16 * 1024).publishMode(PublishMode.FIRE_AND_FORGET));
        try (StatefulRedisConnection<String, String> admin = watcherClient.connect()) {
            client(admin, "PAUSE", "60000", "WRITE");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 1250; i++) {
                        CachingServices.invalidateDependency("item:" + thread + ":" + i);
                    }
                }));
            }
            for (Future<?> f : tasks) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(invalidator.status().pendingOperations()).as("queued behind the message in flight")
                    .isGreaterThan(9_000);
            client(admin, "UNPAUSE");
        }
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().operationsSent() == 10_000);
        await().atMost(RedisFixture.TIMEOUT).until(() -> onTheWire.size() == invalidator.status().messagesSent());
        List<InvalidationMessage> messages = decode(onTheWire);
        Set<String> targets = new HashSet<>();
        long previous = 0;
        for (InvalidationMessage m : messages) {
            assertThat(m.sequence()).as("in order, no gap").isEqualTo(previous + 1);
            previous = m.sequence();
            m.operations().forEach(op -> targets.add(op.target()));
        }
        for (byte[] raw : onTheWire) {
            assertThat(raw.length).isLessThanOrEqualTo(16 * 1024);
        }
        assertThat(targets).hasSize(10_000);
        System.out.printf("group commit: 10,000 invalidations from 8 threads in %d messages%n", messages.size());
        // about 20 bytes per operation: some 800 fit in 16 KB, so about 13 messages, plus the one held in flight
        assertThat(messages.size()).as("messages").isBetween(2, 30);
    }

    private static void client(StatefulRedisConnection<String, String> connection, String... args) {
        CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
        for (String a : args) {
            commandArgs.add(a);
        }
        connection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), commandArgs);
    }

    /** With AWAIT_ACK each thread waits for its acknowledgement, so a message carries at most one per thread. */
    @Test
    void awaitAckInvalidationsFromEightThreadsShareMessages() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(pool.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    CachingServices.invalidateDependency("item:" + thread + ":" + i);
                }
            }));
        }
        for (Future<?> f : tasks) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(invalidator.status().operationsSent()).as("every call returned after its acknowledgement")
                .isEqualTo(2_000);
        assertThat(invalidator.status().messagesSent()).isBetween(250L, 2_000L);
    }

    @Test
    void fireAndForgetReturnsAtOnceAndStillDeliversEverything() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri(), RedisCacheInvalidatorOptions.builder()
                .publishMode(PublishMode.FIRE_AND_FORGET));
        for (int i = 0; i < 1000; i++) {
            invalidator.invalidate("k" + i);
        }
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().operationsSent() == 1000);
        Set<String> targets = new HashSet<>();
        await().atMost(RedisFixture.TIMEOUT).until(() -> onTheWire.size() == invalidator.status().messagesSent());
        decode(onTheWire).forEach(m -> m.operations().forEach(op -> targets.add(op.target())));
        assertThat(targets).hasSize(1000);
    }

    @Test
    void aPublishOnlyClientInvalidatesEveryInstance() throws Exception {
        fixture.local(redis.uri());
        ProductCatalog here = new ProductCatalog();
        JvmProcess there = fixture.peer(redis.uri());
        here.database.put(5L, "old");
        there.request("DB 5 old", RedisFixture.TIMEOUT);
        here.getProduct(5);
        there.request("GET 5", RedisFixture.TIMEOUT);
        here.database.put(5L, "new");
        there.request("DB 5 new", RedisFixture.TIMEOUT);
        try (InvalidationPublisher feed = RedisCacheInvalidator.publisher(redis.uri(),
                RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build())) {
            feed.invalidateDependency("product:5");
            assertThat(feed.status().messagesSent()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(5).equals("new"));
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET 5", RedisFixture.TIMEOUT).equals("new"));
    }
}
