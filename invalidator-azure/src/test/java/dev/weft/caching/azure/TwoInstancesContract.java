package dev.weft.caching.azure;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DESIGN invariant 7 over Service Bus, for one subscription strategy (the subclasses): two instances in two JVMs,
 * each with its own memory cache and its own subscription. A change made through one is invisible in the other
 * within one second of the change returning: by key, by dependency, by clear; a publish-only client reaches both.
 *
 * <p>One pair of instances per class (a JVM and an SDK connection take seconds to start); each test uses its own
 * product id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoInstancesContract {

    private static final AtomicLong IDS = new AtomicLong();

    ServiceBusTestEndpoint endpoint;
    ServiceBusFixture fixture;
    CacheInvalidator invalidator;
    ProductCatalog here;
    JvmProcess there;

    /** This JVM's strategy. */
    abstract SubscriptionStrategy localStrategy(ServiceBusFixture fixture);

    /** The peer's strategy, as {@link ServiceBusFixture#peer(String)} takes it. */
    abstract String peerStrategy();

    @BeforeAll
    void startInstances() throws Exception {
        endpoint = ServiceBusTestEndpoint.start();
        fixture = new ServiceBusFixture(endpoint);
        invalidator = fixture.local(fixture.options().subscription(localStrategy(fixture)));
        here = new ProductCatalog();
        there = fixture.peer(peerStrategy());
    }

    @AfterAll
    void stopInstances() throws Exception {
        fixture.close();
        endpoint.close();
    }

    /** A product both instances have cached, under a fresh id. */
    long cachedInBoth(String name) {
        long id = IDS.incrementAndGet();
        here.database.put(id, name);
        there.request("DB " + id + " " + name, ServiceBusFixture.TIMEOUT);
        assertThat(here.getProduct(id)).isEqualTo(name);
        assertThat(there.request("GET " + id, ServiceBusFixture.TIMEOUT)).isEqualTo(name);
        return id;
    }

    void changeTheDatabase(long id, String name) {
        here.database.put(id, name);
        there.request("DB " + id + " " + name, ServiceBusFixture.TIMEOUT);
    }

    @Test
    void anUpdateHereIsVisibleInTheOtherInstanceWithinASecond() {
        long id = cachedInBoth("tea");
        there.request("DB " + id + " black tea", ServiceBusFixture.TIMEOUT);
        here.rename(id, "black tea");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET " + id, ServiceBusFixture.TIMEOUT).equals("black tea"));
    }

    @Test
    void anUpdateThroughTheOtherInstanceIsVisibleHereWithinASecond() {
        long id = cachedInBoth("tea");
        here.database.put(id, "green tea");
        there.request("RENAME " + id + " green tea", ServiceBusFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(id).equals("green tea"));
    }

    @Test
    void aDependencyInvalidatedInTheOtherInstanceIsInvalidatedHere() {
        long id = cachedInBoth("tea");
        changeTheDatabase(id, "oolong");
        there.request("INVDEP product:" + id, ServiceBusFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(id).equals("oolong"));
    }

    @Test
    void aClearHereClearsTheOtherInstance() {
        long id = cachedInBoth("tea");
        changeTheDatabase(id, "sencha");
        CachingServices.clear();
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET " + id, ServiceBusFixture.TIMEOUT).equals("sencha"));
    }

    @Test
    void aClearInTheOtherInstanceClearsThisOne() {
        long id = cachedInBoth("tea");
        changeTheDatabase(id, "matcha");
        there.request("CLEAR", ServiceBusFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(id).equals("matcha"));
    }

    @Test
    void aPublishOnlyClientInvalidatesBothInstances() {
        long id = cachedInBoth("old");
        changeTheDatabase(id, "new");
        try (InvalidationPublisher feed = AzureCacheInvalidator.publisher(fixture.options().build())) {
            feed.invalidateDependency("product:" + id);
            assertThat(feed.status().messagesSent()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(id).equals("new"));
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET " + id, ServiceBusFixture.TIMEOUT).equals("new"));
    }

    @Test
    void eachInstanceReceivesOnItsOwnSubscription() {
        String mine = invalidator.status().details().get("subscription");
        String theirs = there.request("SUBSCRIPTION", ServiceBusFixture.TIMEOUT);
        assertThat(mine).isNotBlank().isNotEqualToIgnoringCase(theirs);
        assertThat(endpoint.model().subscription(fixture.topic, mine)).isPresent();
        assertThat(endpoint.model().subscription(fixture.topic, theirs)).isPresent();
    }
}
