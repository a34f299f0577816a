package dev.weft.caching.azure.faults;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import dev.weft.caching.azure.ManagementRelay;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessageFormatException;
import dev.weft.testing.history.StalenessChecker;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.net.TcpProxy;
import dev.weft.testing.redis.RedisServerProcess;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;
import dev.weft.testing.servicebus.PublishedMessage;
import dev.weft.testing.servicebus.ServiceBusNamespaceModel;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault matrix over Azure Service Bus (issue 14): the rows of the Redis matrix that apply, plus throttling and a
 * deleted topic, with the real SDK against the in-process endpoint. Three instances in three JVMs (A, B, C), each on
 * a subscription of its own, write and read versions of a few keys through a woven {@code @Cached} method over a
 * shared database (a redis-server, never faulted); a {@link StalenessChecker} judges the merged histories.
 *
 * <p>The bound is 4 s here (heartbeats every second, silence after 2 s, reorder window 500 ms; Service Bus re-attaches
 * a dropped receive link only after about five seconds, so the link check is 1 s); the throttling row uses 24 s:
 * the SDK itself waits about four seconds before retrying a throttled send, and a message stuck for less than a
 * quarter of the bound is what lets a throttled fleet go without a single clear. Faults: the endpoint drops deliveries to one
 * subscription, refuses sends with ServerBusy, restarts, deletes the topic; a TCP proxy pauses or resets one
 * instance's connection; a JVM is killed.
 *
 * <p>The rows are in two classes, {@link AzureFaultMatrixTest} (lost messages and senders) and
 * {@link AzureFaultMatrixBrokerTest} (the broker, links, throttling, the topic), so that the build's two test JVMs run
 * them side by side; this class holds the set-up and the checker they share.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class AzureFaultMatrix {

    static final Duration BOUND = Duration.ofSeconds(4);
    static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(500);
    static final Duration LINK_CHECK = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(45);
    static final AmqpRetryOptions RETRY = new AmqpRetryOptions()
            .setMode(AmqpRetryMode.FIXED)
            .setMaxRetries(2)
            .setDelay(Duration.ofMillis(100))
            .setMaxDelay(Duration.ofSeconds(5))
            .setTryTimeout(Duration.ofSeconds(5));
    static final long READ_EVERY_MICROS = 2_000;
    static final long WRITE_EVERY_MILLIS = 150;

    static RedisServerProcess database;

    ServiceBusNamespaceModel model;
    ServiceBusTestEndpoint endpoint;
    ManagementRelay relay;
    String topic;
    Path historyDirectory;
    String row;
    Duration bound = BOUND;
    final Map<String, JvmProcess> peers = new LinkedHashMap<>();
    final Map<String, Path> histories = new LinkedHashMap<>();
    final Map<String, Long> killedAt = new LinkedHashMap<>();
    final Set<String> working = new LinkedHashSet<>();
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
        model = ServiceBusNamespaceModel.create();
        endpoint = ServiceBusTestEndpoint.builder().model(model).start();
        relay = new ManagementRelay(new FakeServiceBusHttpClient(model));
        topic = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        model.createTopic(topic);
        historyDirectory = Files.createDirectories(Path.of("target", "fault-histories", "azure", row));
    }

    @AfterEach
    void stop() throws Exception {
        for (JvmProcess p : peers.values()) {
            p.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        relay.close();
        endpoint.close();
    }

    // ---- machinery -------------------------------------------------------------------------------------------------

    TcpProxy proxy() {
        TcpProxy p = TcpProxy.start(endpoint.port());
        resources.add(p);
        return p;
    }

    void startPeers() {
        startPeers(null, null, null);
    }

    void startPeers(TcpProxy a, TcpProxy b, TcpProxy c) {
        startPeers("existing", a, b, c);
    }

    void startPeers(String strategy) {
        startPeers(strategy, null, null, null);
    }

    void startPeers(String strategy, TcpProxy... proxies) {
        String[] names = {"A", "B", "C"};
        for (int i = 0; i < names.length; i++) {
            String spec = strategy;
            if (strategy.equals("existing")) {
                model.createSubscription(topic, "sub-" + names[i]);
                spec = "existing:sub-" + names[i];
            }
            String connection = endpoint.connectionString();
            if (proxies[i] != null) {
                connection = connection.replace(":" + endpoint.port() + ";", ":" + proxies[i].port() + ";");
            }
            Path history = historyDirectory.resolve(names[i] + ".history");
            histories.put(names[i], history);
            peers.put(names[i], JvmLauncher.forMainClass(AzureFaultPeerMain.class)
                    .name(row + "-" + names[i])
                    .args(connection, topic, spec, String.valueOf(relay.port()), database.uri(), history.toString(),
                            String.valueOf(bound.toMillis()), String.valueOf(PUBLISH_TIMEOUT.toMillis()))
                    .jvmArgs("-Xmx192m", "-XX:TieredStopAtLevel=1")
                    .start());
        }
        peers.values().forEach(p -> p.awaitReady(TIMEOUT));
    }

    /** A budget of invalidations to drop on their way to {@code peer}'s subscription (0 until the test sets it). */
    AtomicInteger dropInvalidationsTo(String peer) {
        AtomicInteger budget = new AtomicInteger();
        endpoint.dropDeliveries(topic, "sub-" + peer, body -> isInvalidation(body) && budget.getAndDecrement() > 0);
        return budget;
    }

    void workAll(boolean a, boolean b, boolean c) {
        work("A", a);
        work("B", b);
        work("C", c);
        awaitReads();
    }

    void work(String peer, boolean writes) {
        working.add(peer);
        peers.get(peer).request("WORK " + READ_EVERY_MICROS + " " + (writes ? WRITE_EVERY_MILLIS : 0), TIMEOUT);
    }

    void awaitReads() {
        await().atMost(TIMEOUT).until(() -> working.stream().allMatch(p -> lines(histories.get(p)) > 200));
    }

    static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static boolean hasUncompletedWrite(Path history, String key) throws IOException {
        List<String> lines = Files.readAllLines(history);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("D") && f[1].equals(key)) {
                String prefix = "W " + key + " " + f[2] + " ";
                return lines.stream().noneMatch(l -> l.startsWith(prefix));
            }
        }
        return false;
    }

    InvalidationMessage firstPublishedInvalidation() {
        for (PublishedMessage m : endpoint.publishedMessages(topic)) {
            try {
                InvalidationMessage decoded = InvalidationMessage.decode(m.body(),
                        new InvalidationMessage.Limits(1 << 24, 1 << 20));
                if (decoded.type() == InvalidationMessage.Type.INVALIDATION) {
                    return decoded;
                }
            } catch (InvalidationMessageFormatException | RuntimeException notOurs) {
                // a probe (empty body)
            }
        }
        return null;
    }

    static boolean isInvalidation(byte[] body) {
        if (body == null || body.length == 0) {
            return false;
        }
        try {
            return InvalidationMessage.decode(body, new InvalidationMessage.Limits(1 << 24, 1 << 20)).type()
                    == InvalidationMessage.Type.INVALIDATION;
        } catch (InvalidationMessageFormatException e) {
            return false;
        }
    }

    static void runFor(Duration duration) {
        long start = System.nanoTime();
        await().atMost(duration.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() - start >= duration.toNanos());
    }

    String status(String peer) {
        return peers.get(peer).request("STATUS", TIMEOUT);
    }

    void awaitStatus(String peer, Predicate<String> condition) {
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

    /** Stops the workloads, merges the histories, asserts the bound, reports; returns the statuses. */
    String check() {
        StringBuilder statuses = new StringBuilder();
        for (Map.Entry<String, JvmProcess> p : peers.entrySet()) {
            if (p.getValue().isAlive()) {
                p.getValue().request("STOP", TIMEOUT);
                statuses.append(' ').append(p.getKey()).append(": ").append(status(p.getKey())).append(';');
            }
        }
        StalenessChecker checker = new StalenessChecker();
        histories.forEach((name, file) -> checker.add(name, file, killedAt.getOrDefault(name, Long.MAX_VALUE)));
        StalenessChecker.Report report = checker.check(bound);
        System.out.printf("FAULT-MATRIX azure %s: %s; bound %d ms;%s%n", row, report, bound.toMillis(), statuses);
        assertThat(report.reads()).as("reads recorded").isGreaterThan(1_000);
        assertThat(report.writes()).as("writes recorded").isPositive();
        assertThat(report.violations()).as("reads stale for longer than the bound").isEmpty();
        return statuses.toString();
    }
}
