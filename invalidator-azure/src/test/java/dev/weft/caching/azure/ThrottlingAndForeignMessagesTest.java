package dev.weft.caching.azure;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, case 6: what Service Bus does under pressure or with strangers on the topic must not look like a lost
 * link. Each test here fails without its fix: a non-binary body used to make {@code getBody()} throw (reported by the
 * SDK as a processing error, taken for a lost link, and the next delivery cleared the cache); throttling used to be a
 * lost link (a fleet-wide clear); a probe's timeout used to run from its request, so a probe stuck in the SDK's
 * retries against a busy namespace declared the link lost; a deleted topic was never created again.
 */
class ThrottlingAndForeignMessagesTest {

    ServiceBusTestEndpoint endpoint;
    ServiceBusFixture fixture;

    @BeforeEach
    void start() {
        endpoint = ServiceBusTestEndpoint.start();
        fixture = new ServiceBusFixture(endpoint);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        endpoint.close();
    }

    /** Polls the elapsed time: nothing is waited for but time itself, while the state must hold. */
    private static void holdsFor(Duration duration, java.util.concurrent.Callable<Boolean> condition) {
        await().during(duration).atMost(duration.plusSeconds(10)).until(condition);
    }

    @Test
    void aMessageWithANonBinaryBodyIsCountedAsMalformedAndTheLinkStaysUp() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1")));
        ProductCatalog here = new ProductCatalog();
        here.getProduct(1);
        Message jms = Message.Factory.create();
        jms.setMessageId(UUID.randomUUID().toString());
        jms.setBody(new AmqpValue("{\"invalidate\": \"product:1\"}"));
        endpoint.publish(fixture.topic, jms);

        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().malformedMessages() == 1);
        InvalidatorStatus s = invalidator.status();
        assertThat(s.details()).containsEntry("nonBinaryBodies", "1").containsEntry("receiveErrors", "0");
        holdsFor(Duration.ofSeconds(3), () -> invalidator.status().subscriptions() == 1
                && invalidator.status().connected());
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("nothing was cleared").isEqualTo(1);
    }

    @Test
    void throttledSendsMakeNobodyWaitAndArriveLaterWithoutAClear() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1")));
        JvmProcess there = fixture.peer("existing:web-2");
        ProductCatalog here = new ProductCatalog();
        here.database.put(1L, "tea");
        there.request("DB 1 tea", ServiceBusFixture.TIMEOUT);
        there.request("GET 1", ServiceBusFixture.TIMEOUT);
        long subscriptionsThere = Long.parseLong(there.request("STATUS", ServiceBusFixture.TIMEOUT).split(" ")[1]);

        endpoint.throttlePublishes(true);
        here.database.put(1L, "green tea");
        there.request("DB 1 green tea", ServiceBusFixture.TIMEOUT);
        long start = System.nanoTime();
        here.rename(1, "green tea");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("the write waited at most the publish timeout (5 s), never the SDK's retries")
                .isLessThan(6_000);
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().publishCircuit()
                == InvalidatorStatus.PublishCircuit.THROTTLED);
        long quick = System.nanoTime();
        here.rename(1, "green tea");
        assertThat((System.nanoTime() - quick) / 1_000_000).as("while throttled, at once").isLessThan(1_000);

        endpoint.throttlePublishes(false);
        await().atMost(ServiceBusFixture.TIMEOUT)
                .until(() -> there.request("GET 1", ServiceBusFixture.TIMEOUT).equals("green tea"));
        String status = there.request("STATUS", ServiceBusFixture.TIMEOUT);
        assertThat(Long.parseLong(status.split(" ")[1])).as("the peer's link was never taken for lost")
                .isEqualTo(subscriptionsThere);
        assertThat(status.split(" ")[2]).as("no gap").isEqualTo("0");
        assertThat(invalidator.status().subscriptions()).isEqualTo(1);
        assertThat(invalidator.status().gapsDetected()).isZero();
    }

    /** A quiet topic on a namespace refusing sends: probes cannot go out; that is no verdict on the link. */
    @Test
    void probesThatCannotBeSentOnABusyNamespaceNeverDeclareTheLinkLost() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1")));
        long probes = Long.parseLong(invalidator.status().details().get("probesSent"));
        endpoint.throttlePublishes(true);
        // longer than a link check interval plus its timeout (1 s + 1 s here), with probes refused all along
        await().atMost(ServiceBusFixture.TIMEOUT).until(() ->
                Long.parseLong(invalidator.status().details().get("probesSent")) >= probes + 4
                        && endpoint.throttledTransfers() >= 2);
        holdsFor(Duration.ofSeconds(4), () -> invalidator.status().connected());
        endpoint.throttlePublishes(false);
        holdsFor(Duration.ofSeconds(2), () -> invalidator.status().subscriptions() == 1);
    }

    @Test
    void aDeletedTopicIsCreatedAgainWhenTheStrategyMayCreateIt() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options()
                .subscription(SubscriptionStrategy.autoCreate().createTopicIfMissing()));
        ProductCatalog here = new ProductCatalog();
        here.getProduct(1);
        endpoint.model().deleteTopic(fixture.topic);

        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().subscriptions() == 2
                && invalidator.status().connected());
        assertThat(endpoint.model().topic(fixture.topic)).isPresent();
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("cleared on the new link").isEqualTo(2);
        CachingServices.invalidateDependency("product:1");
        assertThat(invalidator.status().messagesSent()).isPositive();
    }

    @Test
    void aDeletedTopicTheStrategyMayNotCreateLeavesTheInstanceDisconnectedWithAClearReason() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1")));
        endpoint.model().deleteTopic(fixture.topic);

        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().state()
                == InvalidatorStatus.State.DISCONNECTED);
        assertThat(invalidator.status().details().get("lastReceiveError")).contains("does not exist")
                .contains(fixture.topic);
        ProductCatalog here = new ProductCatalog();
        long start = System.nanoTime();
        here.rename(1, "anything");
        assertThat((System.nanoTime() - start) / 1_000_000).as("a write does not stall on a missing topic")
                .isLessThan(6_000);
    }
}
