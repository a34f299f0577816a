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
 * The fault matrix over Azure Service Bus, first half: lost messages (one, a burst, the sender's last), a forward
 * jump with a real sender's id, a sender partitioned while it writes, a sender killed mid-publish. See
 * {@link AzureFaultMatrix} for the set-up, the bound and the checker.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AzureFaultMatrixTest extends AzureFaultMatrix {

    @Test
    void aLostMessage() throws Exception {
        startPeers();
        AtomicInteger budget = dropInvalidationsTo("B");
        workAll(true, false, true);
        budget.set(1);
        await().atMost(TIMEOUT).until(() -> endpoint.droppedCount(topic, "sub-B") == 1);
        awaitStatus("B", s -> counter(s, "gaps") >= 1);
        runFor(bound.plusSeconds(4));
        check();
    }

    @Test
    void aLostBurst() throws Exception {
        startPeers();
        AtomicInteger budget = dropInvalidationsTo("B");
        workAll(true, false, true);
        budget.set(10);
        await().atMost(TIMEOUT).until(() -> endpoint.droppedCount(topic, "sub-B") == 10);
        awaitStatus("B", s -> counter(s, "lost") >= 10);
        runFor(bound.plusSeconds(4));
        check();
    }

    @Test
    void theSendersLastMessageLost() throws Exception {
        startPeers();
        AtomicInteger budget = dropInvalidationsTo("B");
        work("B", false);
        work("C", false);
        awaitReads();
        budget.set(1);
        peers.get("A").request("WRITE a", TIMEOUT);
        await().atMost(TIMEOUT).until(() -> endpoint.droppedCount(topic, "sub-B") == 1);
        awaitStatus("B", s -> counter(s, "gaps") >= 1);
        runFor(bound.plusSeconds(4));
        check();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theSenderPartitionedFromTheTransportWhileItWrites() throws Exception {
        TcpProxy toA = proxy();
        startPeers(toA, null, null);
        workAll(true, true, false);
        toA.pause();
        long pausedAt = System.nanoTime();
        awaitStatus("B", s -> counter(s, "silent") >= 1);
        awaitStatus("C", s -> counter(s, "silent") >= 1);
        // the partition lasts four bounds: long enough for each side to see the other silent and to clear more
        // than once; shortened from the 60 s of a real partition, as every bound here is
        long partitionNanos = 4 * bound.toNanos();
        await().atMost(Duration.ofNanos(partitionNanos).plusSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> System.nanoTime() - pausedAt >= partitionNanos);
        toA.resume();
        awaitStatus("B", s -> counter(s, "silentNow") == 0);
        runFor(bound.plusSeconds(4));
        check();
    }

    @Test
    void theSenderKilledMidPublish() throws Exception {
        TcpProxy toA = proxy();
        startPeers(toA, null, null);
        workAll(true, false, false);
        toA.pause();
        peers.get("A").send("WRITE a");
        Path historyA = histories.get("A");
        await().atMost(TIMEOUT).until(() -> hasUncompletedWrite(historyA, "a"));
        peers.get("A").kill();
        killedAt.put("A", System.nanoTime());
        awaitStatus("B", s -> counter(s, "silent") >= 1);
        awaitStatus("C", s -> counter(s, "silent") >= 1);
        runFor(bound.plusSeconds(4));
        check();
    }

    @Test
    void aForwardJumpingMessageWithARealSendersId() throws Exception {
        startPeers();
        peers.get("A").request("WRITE a", TIMEOUT);
        InvalidationMessage fromA = await().atMost(TIMEOUT).until(this::firstPublishedInvalidation,
                m -> m != null);
        workAll(true, false, false);
        endpoint.publishRaw(topic, new InvalidationMessage(fromA.sender(), fromA.senderStartMillis(),
                fromA.sequence() + 1_000_000, System.currentTimeMillis(), List.of(Operation.key("unrelated")))
                .encode(), Map.of());
        awaitStatus("B", s -> counter(s, "gaps") >= 1);
        awaitStatus("C", s -> counter(s, "gaps") >= 1);
        runFor(bound.plusSeconds(4));
        check();
    }
}
