package dev.weft.caching.redis.faults;

import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessageFormatException;
import dev.weft.testing.history.StalenessChecker;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.net.TcpProxy;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault matrix over Redis (issue 14): one test per fault, three instances in three JVMs (A, B, C) writing and
 * reading versions of a few keys through a woven {@code @Cached} method over a database they share (a redis-server of
 * its own, never faulted), every operation recorded. After the fault, a {@link StalenessChecker} asserts that no read
 * that started later than the bound after a completed write returned an older version, and the worst staleness seen
 * is reported (docs/operations.md quotes these figures).
 *
 * <p>The bound ({@code maxStalenessWhileDisconnected}) is 2 s here (heartbeats every 500 ms, silence after 1 s), the
 * publish timeout 500 ms, so that the whole matrix runs in about three minutes; the partition (four bounds) is the
 * longest row. Faults are injected by real means: a RESP-aware TCP proxy in front of one instance drops pub/sub
 * messages to it, pauses or resets its connections; redis-server is restarted; a raw client publishes a forged
 * message; a JVM is killed with SIGKILL.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RedisFaultMatrixTest {

    static final Duration BOUND = Duration.ofSeconds(2);
    static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(500);
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A read every 2 ms per instance; a writer writes every 150 ms. */
    static final long READ_EVERY_MICROS = 2_000;
    static final long WRITE_EVERY_MILLIS = 150;

    static RedisServerProcess database;

    RedisServerProcess broker;
    RedisClient observerClient;
    String channel;
    Path historyDirectory;
    String row;
    final Map<String, JvmProcess> peers = new LinkedHashMap<>();
    final Map<String, Path> histories = new LinkedHashMap<>();
    final Map<String, Long> killedAt = new LinkedHashMap<>();
    final java.util.Set<String> working = new java.util.LinkedHashSet<>();
    final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void startDatabase() {
        database = RedisServerProcess.start();
    }

    @AfterAll
    static void stopDatabase() {
        database.close();
    }

    @BeforeEach
    void start(TestInfo test) throws IOException {
        row = test.getTestMethod().orElseThrow().getName();
        broker = RedisServerProcess.start();
        channel = "weft-faults:" + UUID.randomUUID();
        historyDirectory = Files.createDirectories(Path.of("target", "fault-histories", "redis", row));
        observerClient = RedisClient.create(broker.uri());
    }

    @AfterEach
    void stop() throws Exception {
        for (JvmProcess p : peers.values()) {
            p.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        observerClient.shutdown();
        broker.close();
    }

    // ---- the rows --------------------------------------------------------------------------------------------------

    /** A message lost on its way to one instance: the next message from its sender shows the gap. */
    @Test
    void aLostMessage() throws Exception {
        TcpProxy toB = proxy(true);
        startPeers(direct(), toB.port(), direct());
        AtomicInteger budget = new AtomicInteger(0);
        toB.dropPubSubMessages((channel, payload) -> isInvalidation(payload) && budget.getAndDecrement() > 0);
        work("A", true);
        work("B", false);
        work("C", true);
        awaitReads();
        budget.set(1);
        await().atMost(TIMEOUT).until(() -> toB.droppedMessages() == 1);
        awaitStatus("B", s -> counter(s, "gaps") >= 1);
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /** Ten messages in a row lost on their way to one instance. */
    @Test
    void aLostBurst() throws Exception {
        TcpProxy toB = proxy(true);
        startPeers(direct(), toB.port(), direct());
        AtomicInteger budget = new AtomicInteger(0);
        toB.dropPubSubMessages((channel, payload) -> isInvalidation(payload) && budget.getAndDecrement() > 0);
        work("A", true);
        work("B", false);
        work("C", true);
        awaitReads();
        budget.set(10);
        await().atMost(TIMEOUT).until(() -> toB.droppedMessages() == 10);
        awaitStatus("B", s -> counter(s, "lost") >= 10);
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /** A sender's last message lost, and it publishes nothing more: its next heartbeat shows the loss. */
    @Test
    void theSendersLastMessageLost() throws Exception {
        TcpProxy toB = proxy(true);
        startPeers(direct(), toB.port(), direct());
        AtomicInteger budget = new AtomicInteger(0);
        toB.dropPubSubMessages((channel, payload) -> isInvalidation(payload) && budget.getAndDecrement() > 0);
        work("B", false);
        work("C", false);
        awaitReads();
        budget.set(1);
        peers.get("A").request("WRITE a", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> toB.droppedMessages() == 1);
        awaitStatus("B", s -> counter(s, "gaps") >= 1);
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /**
     * One instance's path to Redis silently partitioned for four bounds (8 s) while it keeps writing (and the others
     * too): nothing flows either way and nobody is told. Each side sees the other fall silent and serves no entry
     * older than half the bound until it hears from it again.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theSenderPartitionedFromTheTransportWhileItWrites() throws Exception {
        TcpProxy toA = proxy(false);
        startPeers(toA.port(), direct(), direct());
        work("A", true);
        work("B", true);
        work("C", false);
        awaitReads();
        toA.pause();
        long pausedAt = System.nanoTime();
        awaitStatus("B", s -> counter(s, "silent") >= 1);
        awaitStatus("C", s -> counter(s, "silent") >= 1);
        // the partition lasts four bounds: long enough for each side to see the other silent and to clear more
        // than once; shortened from the 60 s of a real partition, as every bound here is
        long partitionNanos = 4 * BOUND.toNanos();
        await().atMost(Duration.ofNanos(partitionNanos).plusSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> System.nanoTime() - pausedAt >= partitionNanos);
        toA.resume();
        awaitStatus("B", s -> counter(s, "silentNow") == 0);
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /**
     * An instance killed (SIGKILL) while the invalidation of its last write is on its way: its database change is
     * made, its message never leaves. Its silence, with no goodbye, is the possible loss.
     */
    @Test
    void theSenderKilledMidPublish() throws Exception {
        TcpProxy toA = proxy(false);
        startPeers(toA.port(), direct(), direct());
        work("A", true);
        work("B", false);
        work("C", false);
        awaitReads();
        toA.pause();
        peers.get("A").send("WRITE a");
        Path historyA = histories.get("A");
        await().atMost(TIMEOUT).until(() -> Files.readAllLines(historyA).stream()
                .anyMatch(l -> l.startsWith("D a ")) && hasUncompletedWrite(historyA));
        peers.get("A").kill();
        killedAt.put("A", System.nanoTime());
        awaitStatus("B", s -> counter(s, "silent") >= 1);
        awaitStatus("C", s -> counter(s, "silent") >= 1);
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /** redis-server killed and restarted on its port while every instance writes: messages meanwhile are gone. */
    @Test
    void theBrokerRestarted() throws Exception {
        startPeers(direct(), direct(), direct());
        work("A", true);
        work("B", true);
        work("C", true);
        awaitReads();
        broker.restart();
        for (String p : peers.keySet()) {
            awaitStatus(p, s -> counter(s, "subscriptions") >= 2 && s.contains("state=CONNECTED"));
        }
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /** One instance's connections reset (its subscriber among them): Lettuce reconnects and resubscribes. */
    @Test
    void theSubscribersConnectionKilled() throws Exception {
        TcpProxy toB = proxy(true);
        startPeers(direct(), toB.port(), direct());
        work("A", true);
        work("B", false);
        work("C", true);
        awaitReads();
        assertThat(toB.killConnections()).isPositive();
        awaitStatus("B", s -> counter(s, "subscriptions") >= 2 && s.contains("state=CONNECTED"));
        runFor(BOUND.plusSeconds(4));
        check();
    }

    /**
     * A message with a real sender's id and a sequence number far ahead (a buggy peer, a garbled frame, anyone with
     * publish rights): one loss at each receiver, never a reason to drop the sender's later invalidations.
     */
    @Test
    void aForwardJumpingMessageWithARealSendersId() throws Exception {
        BlockingQueue<InvalidationMessage> seen = observe();
        startPeers(direct(), direct(), direct());
        peers.get("A").request("WRITE a", TIMEOUT);
        InvalidationMessage fromA = nextInvalidation(seen);
        work("A", true);
        work("B", false);
        work("C", false);
        awaitReads();
        try (var raw = observerClient.connect(ByteArrayCodec.INSTANCE)) {
            raw.sync().publish(channel.getBytes(StandardCharsets.UTF_8), new InvalidationMessage(fromA.sender(),
                    fromA.senderStartMillis(), fromA.sequence() + 1_000_000, System.currentTimeMillis(),
                    List.of(Operation.key("unrelated"))).encode());
        }
        awaitStatus("B", s -> counter(s, "gaps") >= 1);
        awaitStatus("C", s -> counter(s, "gaps") >= 1);
        runFor(BOUND.plusSeconds(4));
        check();
    }

    // ---- machinery -------------------------------------------------------------------------------------------------

    private static int direct() {
        return -1;
    }

    private TcpProxy proxy(boolean resp) {
        TcpProxy p = resp ? TcpProxy.forRedis(broker.port()) : TcpProxy.start(broker.port());
        resources.add(p);
        return p;
    }

    /** Starts A, B and C, each on the broker directly ({@link #direct()}) or through a proxy's port. */
    private void startPeers(int... ports) {
        String[] names = {"A", "B", "C"};
        for (int i = 0; i < ports.length; i++) {
            String uri = "redis://127.0.0.1:" + (ports[i] < 0 ? broker.port() : ports[i]);
            Path history = historyDirectory.resolve(names[i] + ".history");
            histories.put(names[i], history);
            peers.put(names[i], JvmLauncher.forMainClass(FaultPeerMain.class)
                    .name(row + "-" + names[i])
                    .args(uri, database.uri(), channel, history.toString(), String.valueOf(BOUND.toMillis()),
                            String.valueOf(PUBLISH_TIMEOUT.toMillis()))
                    .jvmArgs("-Xmx128m", "-XX:TieredStopAtLevel=1")
                    .start());
        }
        peers.values().forEach(p -> p.awaitReady(TIMEOUT));
    }

    private void work(String peer, boolean writes) {
        working.add(peer);
        peers.get(peer).request("WORK " + READ_EVERY_MICROS + " " + (writes ? WRITE_EVERY_MILLIS : 0), TIMEOUT);
    }

    /** Waits until every instance has read for a while, so that caches are warm when the fault comes. */
    private void awaitReads() {
        await().atMost(TIMEOUT).until(() -> working.stream().allMatch(p -> lines(histories.get(p)) > 200));
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean hasUncompletedWrite(Path history) throws IOException {
        List<String> lines = Files.readAllLines(history);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("D")) {
                String version = f[2];
                return lines.stream().noneMatch(l -> l.startsWith("W " + f[1] + " " + version + " "));
            }
        }
        return false;
    }

    /**
     * Lets the workload run on for {@code duration} after the fault: the time it must keep serving right. Polls the
     * elapsed time (nothing is waited for but time itself).
     */
    private static void runFor(Duration duration) {
        long start = System.nanoTime();
        await().atMost(duration.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() - start >= duration.toNanos());
    }

    private String status(String peer) {
        return peers.get(peer).request("STATUS", TIMEOUT);
    }

    private void awaitStatus(String peer, java.util.function.Predicate<String> condition) {
        await().atMost(TIMEOUT).until(() -> condition.test(status(peer)));
    }

    static long counter(String status, String name) {
        for (String pair : status.split(" ")) {
            if (pair.startsWith(name + "=")) {
                return Long.parseLong(pair.substring(name.length() + 1));
            }
        }
        throw new IllegalArgumentException(name + " not in " + status);
    }

    private static boolean isInvalidation(byte[] payload) {
        try {
            return InvalidationMessage.decode(payload, new InvalidationMessage.Limits(1 << 24, 1 << 20)).type()
                    == InvalidationMessage.Type.INVALIDATION;
        } catch (InvalidationMessageFormatException e) {
            return false;
        }
    }

    /** Subscribes a raw client to the channel; decoded messages go to the returned queue. */
    private BlockingQueue<InvalidationMessage> observe() throws InterruptedException {
        BlockingQueue<InvalidationMessage> seen = new LinkedBlockingQueue<>();
        StatefulRedisPubSubConnection<byte[], byte[]> sub = observerClient.connectPubSub(ByteArrayCodec.INSTANCE);
        java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] c, byte[] message) {
                try {
                    seen.add(InvalidationMessage.decode(message, new InvalidationMessage.Limits(1 << 24, 1 << 20)));
                } catch (InvalidationMessageFormatException ignored) {
                    // not ours
                }
            }

            @Override
            public void subscribed(byte[] c, long count) {
                subscribed.countDown();
            }
        });
        sub.sync().subscribe(channel.getBytes(StandardCharsets.UTF_8));
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
        resources.add(sub::close);
        return seen;
    }

    private static InvalidationMessage nextInvalidation(BlockingQueue<InvalidationMessage> seen)
            throws InterruptedException {
        while (true) {
            InvalidationMessage m = seen.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("an invalidation on the channel").isNotNull();
            if (m.type() == InvalidationMessage.Type.INVALIDATION) {
                return m;
            }
        }
    }

    /** Stops the workloads, merges the histories, asserts the bound and reports the worst staleness. */
    private void check() {
        StringBuilder statuses = new StringBuilder();
        for (Map.Entry<String, JvmProcess> p : peers.entrySet()) {
            if (p.getValue().isAlive()) {
                p.getValue().request("STOP", TIMEOUT);
                statuses.append(' ').append(p.getKey()).append(": ").append(status(p.getKey())).append(';');
            }
        }
        StalenessChecker checker = new StalenessChecker();
        histories.forEach((name, file) -> checker.add(name, file, killedAt.getOrDefault(name, Long.MAX_VALUE)));
        StalenessChecker.Report report = checker.check(BOUND);
        System.out.printf("FAULT-MATRIX redis %s: %s; bound %d ms;%s%n", row, report, BOUND.toMillis(), statuses);
        assertThat(report.reads()).as("reads recorded").isGreaterThan(1_000);
        assertThat(report.writes()).as("writes recorded").isPositive();
        assertThat(report.violations()).as("reads stale for longer than the bound").isEmpty();
    }
}
