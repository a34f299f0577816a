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
 * The fault matrix over Azure Service Bus, second half: the broker restarted, a subscriber's connection killed,
 * throttling, the topic deleted and created again, the topic deleted for good. See {@link AzureFaultMatrix} for the
 * set-up, the bound and the checker.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AzureFaultMatrixBrokerTest extends AzureFaultMatrix {

    /** The endpoint stops and starts again on its port: connections and in-flight messages are gone. */
    @Test
    void theBrokerRestarted() throws Exception {
        startPeers();
        workAll(true, true, true);
        int port = endpoint.port();
        endpoint.close();
        endpoint = ServiceBusTestEndpoint.builder().model(model).port(port).start();
        for (String p : peers.keySet()) {
            awaitStatus(p, s -> counter(s, "subscriptions") >= 2 && s.contains("state=CONNECTED"));
        }
        runFor(bound.plusSeconds(4));
        check();
    }

    @Test
    void theSubscribersConnectionKilled() throws Exception {
        TcpProxy toB = proxy();
        startPeers(null, toB, null);
        workAll(true, false, true);
        assertThat(toB.killConnections()).isPositive();
        awaitStatus("B", s -> counter(s, "subscriptions") >= 2 && s.contains("state=CONNECTED"));
        runFor(bound.plusSeconds(4));
        check();
    }

    /**
     * Service Bus throttles every send (ServerBusy) for 1.5 s while A and B write. The writes do not wait; the
     * invalidations are delayed, not lost, and nobody treats the throttling as a lost link or a lost message: no
     * clear, no resubscription.
     */
    @Test
    void throttling() throws Exception {
        bound = Duration.ofSeconds(24);
        startPeers();
        workAll(true, true, false);
        endpoint.throttlePublishes(true);
        await().atMost(TIMEOUT).until(() -> endpoint.throttledTransfers() >= 3);
        long throttledAt = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() - throttledAt >= TimeUnit.MILLISECONDS.toNanos(1_500));
        endpoint.throttlePublishes(false);
        runFor(bound.plusSeconds(4));
        String statuses = check();
        for (String p : peers.keySet()) {
            String s = status(p);
            assertThat(counter(s, "subscriptions")).as("%s: the link was never taken for lost", p).isEqualTo(1);
            assertThat(counter(s, "gaps")).as("%s: nothing was lost", p).isZero();
            assertThat(counter(s, "silent")).as("%s: nobody fell silent for half the bound", p).isZero();
        }
        assertThat(statuses).contains("throttled=");
    }

    /** The topic deleted; each instance's auto-created subscription strategy may create it: it is back. */
    @Test
    void theTopicDeletedAndCreatedAgain() throws Exception {
        startPeers("auto-with-topic");
        workAll(true, true, true);
        model.deleteTopic(topic);
        await().atMost(TIMEOUT).until(() -> model.topic(topic).isPresent() && model.subscriptions(topic).size() == 3);
        for (String p : peers.keySet()) {
            awaitStatus(p, s -> counter(s, "subscriptions") >= 2 && s.contains("state=CONNECTED"));
        }
        runFor(bound.plusSeconds(4));
        check();
    }

    /**
     * The topic deleted under pre-provisioned subscriptions, which Weft never creates: every instance stays
     * disconnected (health DOWN) and, past the bound, bypasses its cache, so that nothing stale is served.
     */
    @Test
    void theTopicDeletedForGood() throws Exception {
        startPeers();
        workAll(true, true, true);
        model.deleteTopic(topic);
        for (String p : peers.keySet()) {
            awaitStatus(p, s -> s.contains("state=DISCONNECTED"));
        }
        runFor(bound.plusSeconds(4));
        check();
    }

}
