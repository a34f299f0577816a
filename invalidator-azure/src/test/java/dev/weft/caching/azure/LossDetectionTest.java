package dev.weft.caching.azure;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages injected on the topic with {@link ServiceBusTestEndpoint#publishRaw}, as a misbehaving or unlucky peer
 * would send them: a skipped sequence number, a replay, garbage, a newer format version.
 */
class LossDetectionTest {

    static ServiceBusTestEndpoint endpoint;
    ServiceBusFixture fixture;
    CacheInvalidator invalidator;
    ProductCatalog here;
    final UUID peer = UUID.randomUUID();

    @BeforeAll
    static void startEndpoint() {
        endpoint = ServiceBusTestEndpoint.start();
    }

    @AfterAll
    static void stopEndpoint() {
        endpoint.close();
    }

    @BeforeEach
    void start() throws Exception {
        fixture = new ServiceBusFixture(endpoint);
        invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1")));
        here = new ProductCatalog();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private void inject(byte[] body) {
        endpoint.publishRaw(fixture.topic, body, Map.of());
    }

    private void injectMessage(long sequence, Operation... ops) {
        inject(new InvalidationMessage(peer, System.currentTimeMillis() - 60_000, sequence,
                System.currentTimeMillis(), List.of(ops)).encode());
    }

    private void awaitReceived(long messages) {
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().messagesReceived()
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
        // after the reorder window (2 s by default for Service Bus), #2 is declared lost
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().gapsDetected() == 1);
        assertThat(invalidator.status().messagesLost()).isEqualTo(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("the local cache was cleared").isEqualTo(calls + 1);
    }

    @Test
    void aMessageArrivingOutOfOrderWithinTheReorderWindowIsNotAGap() {
        injectMessage(1, Operation.key("a"));
        injectMessage(3, Operation.key("c"));
        injectMessage(2, Operation.key("b"));
        awaitReceived(3);
        here.getProduct(1);
        injectMessage(4, Operation.key("d"));
        awaitReceived(4);
        assertThat(invalidator.status().gapsDetected()).isZero();
        assertThat(invalidator.status().messagesReceived()).isEqualTo(4);
    }

    @Test
    void aMalformedBodyIsCountedAndIgnored() {
        here.getProduct(1);
        inject("{\"not\":\"a weft message\"}".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = new InvalidationMessage(peer, 0, 1, 0, List.of(Operation.key("k"))).encode();
        inject(Arrays.copyOf(truncated, truncated.length - 2));
        inject(new byte[0]);
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().malformedMessages() == 3);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("the cache was not touched").isEqualTo(1);
        assertThat(invalidator.status().gapsDetected()).isZero();
        assertThat(invalidator.status().connected()).isTrue();
        injectMessage(7, Operation.key("still alive"));
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().messagesReceived() == 1);
    }

    @Test
    void aMessageOfAnUnknownVersionClearsTheCache() {
        here.getProduct(1);
        byte[] future = new InvalidationMessage(peer, 0, 1, 0, List.of(Operation.key("k"))).encode();
        future[2] = 9;
        inject(future);
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().unknownVersionMessages() == 1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(2);
    }

    @Test
    void aKeyInvalidationFromAPeerAppliesToTheLocalCache() {
        here.getProduct(1);
        injectMessage(1, Operation.key("dev.weft.caching.azure.ProductCatalog.getProduct(1L)"));
        awaitReceived(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(2);
    }

    @Test
    void probesNeverReachTheInvalidator() {
        await().atMost(ServiceBusFixture.TIMEOUT)
                .until(() -> Long.parseLong(invalidator.status().details().get("probesSent")) >= 4);
        assertThat(invalidator.status().malformedMessages()).isZero();
        assertThat(invalidator.status().messagesReceived()).isZero();
        assertThat(invalidator.status().ownMessagesIgnored()).isZero();
        assertThat(invalidator.status().details()).containsEntry("receiveLink", "UP")
                .containsEntry("missingOwnMessages", "0");
    }
}
