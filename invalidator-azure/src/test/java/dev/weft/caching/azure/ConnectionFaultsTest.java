package dev.weft.caching.azure;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults: the endpoint drops every connection (as a network failure would); a subscription disappears under a running
 * instance. The SDK reconnects by itself without telling anyone; Weft notices the silence, and clears the cache when
 * the link delivers again.
 */
class ConnectionFaultsTest {

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

    @Test
    void afterADroppedConnectionTheCacheIsClearedOnTheNewLinkAndUpdatesReachThePeerAgain() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1")));
        ProductCatalog here = new ProductCatalog();
        JvmProcess there = fixture.peer("existing:web-2");
        here.database.put(1L, "tea");
        there.request("DB 1 tea", ServiceBusFixture.TIMEOUT);
        here.getProduct(1);
        there.request("GET 1", ServiceBusFixture.TIMEOUT);
        int callsBefore = here.sourceCalls.get();

        assertThat(endpoint.dropAllConnections()).isPositive();

        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().state()
                == InvalidatorStatus.State.DISCONNECTED);
        assertThat(here.getProduct(1)).as("served locally meanwhile (SERVE_LOCAL)").isEqualTo("tea");
        assertThat(here.sourceCalls.get()).isEqualTo(callsBefore);
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().subscriptions() == 2);
        assertThat(invalidator.status().connected()).isTrue();
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("the cache was cleared on the new link").isEqualTo(callsBefore + 1);

        await().atMost(ServiceBusFixture.TIMEOUT)
                .until(() -> there.request("STATUS", ServiceBusFixture.TIMEOUT).startsWith("CONNECTED 2 "));
        there.request("DB 1 black tea", ServiceBusFixture.TIMEOUT);
        here.rename(1, "black tea");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET 1", ServiceBusFixture.TIMEOUT).equals("black tea"));
    }

    @Test
    void bypassCacheCallsTheSourceWhileDisconnectedAndCachesAgainOnceBack() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(fixture.existing("web-1"))
                .whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        ProductCatalog here = new ProductCatalog();
        here.getProduct(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(1);

        // an unavailable namespace (a timeout), not a busy one: ServerBusy is throttling, never taken for a lost link
        endpoint.refuseNewLinks(true, "com.microsoft:timeout");
        endpoint.dropAllConnections();
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().bypassingCache());
        here.getProduct(1);
        here.getProduct(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("every call went to the source").isEqualTo(4);

        endpoint.refuseNewLinks(false, "com.microsoft:timeout");
        assertThat(invalidator.awaitConnected(ServiceBusFixture.TIMEOUT)).isTrue();
        here.getProduct(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("cached again").isEqualTo(5);
    }

    @Test
    void anAutoCreatedSubscriptionDeletedUnderARunningInstanceIsCreatedAgain() throws Exception {
        CacheInvalidator invalidator = fixture.local(fixture.options().subscription(SubscriptionStrategy.autoCreate()));
        String name = invalidator.status().details().get("subscription");

        endpoint.model().deleteSubscription(fixture.topic, name);

        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().subscriptions() == 2);
        assertThat(endpoint.model().subscription(fixture.topic, name)).isPresent();
        assertThat(invalidator.status().details().get("lastReceiveError")).contains("does not exist");
    }
}
