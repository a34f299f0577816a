package dev.weft.caching.azure;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances configured with the same {@code existing(...)} subscription compete for its messages: each misses
 * about half of the invalidations. Each notices that its own messages stop coming back.
 */
class SharedSubscriptionTest {

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

    private CacheInvalidator instance(SubscriptionStrategy strategy) throws InterruptedException {
        CacheInvalidator invalidator = fixture.closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(),
                fixture.options().subscription(strategy).build()));
        assertThat(invalidator.awaitConnected(ServiceBusFixture.TIMEOUT)).isTrue();
        return invalidator;
    }

    @Test
    void twoInstancesOnOneSubscriptionAreDetectedLoggedAndCounted() throws Exception {
        CacheInvalidator first = instance(fixture.existing("web-1"));
        CacheInvalidator second = instance(SubscriptionStrategy.existing("web-1"));
        endpoint.awaitReceiverLinks(fixture.topic, "web-1", 2, ServiceBusFixture.TIMEOUT);
        AtomicInteger keys = new AtomicInteger();

        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> {
            first.invalidate("key-" + keys.incrementAndGet());
            return first.status().details().get("sharedSubscriptionSuspected").equals("true");
        });

        assertThat(Long.parseLong(first.status().details().get("missingOwnMessages"))).isGreaterThanOrEqualTo(2);
        assertThat(second.status().messagesReceived()).as("the other instance took some of them").isPositive();
    }

    @Test
    void aQuietInstanceSharingASubscriptionIsDetectedFromItsProbes() throws Exception {
        CacheInvalidator first = instance(fixture.existing("web-1"));
        CacheInvalidator second = instance(SubscriptionStrategy.existing("web-1"));
        endpoint.awaitReceiverLinks(fixture.topic, "web-1", 2, ServiceBusFixture.TIMEOUT);

        await().atMost(ServiceBusFixture.TIMEOUT).until(() ->
                first.status().details().get("sharedSubscriptionSuspected").equals("true")
                        || second.status().details().get("sharedSubscriptionSuspected").equals("true"));
    }

    @Test
    void anInstanceAloneOnItsSubscriptionIsNeverSuspected() throws Exception {
        CacheInvalidator alone = instance(fixture.existing("web-1"));
        CacheInvalidator other = instance(fixture.existing("web-2"));
        for (int i = 0; i < 200; i++) {
            alone.invalidate("key-" + i);
            other.invalidate("other-" + i);
        }
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> alone.status().ownMessagesIgnored()
                == alone.status().messagesSent() && other.status().messagesReceived() == alone.status().messagesSent());
        await().atMost(ServiceBusFixture.TIMEOUT)
                .until(() -> Long.parseLong(alone.status().details().get("probesSent")) >= 3);
        assertThat(alone.status().details()).containsEntry("missingOwnMessages", "0")
                .containsEntry("sharedSubscriptionSuspected", "false");
        assertThat(other.status().details()).containsEntry("missingOwnMessages", "0");
        assertThat(alone.status().gapsDetected()).isZero();
    }
}
