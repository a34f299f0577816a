package dev.weft.caching.azure;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instances of a test, on a topic of their own in a shared {@link ServiceBusTestEndpoint}: this JVM's, peers in
 * other JVMs, publish-only clients. The fake management client serves the endpoint's namespace model (directly in
 * this JVM, through a {@link ManagementRelay} for peers). Closes everything it started, newest first.
 */
final class ServiceBusFixture implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Quick link checks so that an outage shows within a second or two. */
    static final Duration LINK_CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration LINK_CHECK_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Short tries and few retries, so that a failure surfaces in seconds. The SDK adds up to 4 s to the retry delay
     * before capping it with maxDelay, so maxDelay stays above delay + 4 s (see test-support-servicebus' README).
     */
    static final AmqpRetryOptions RETRY = new AmqpRetryOptions()
            .setMode(AmqpRetryMode.FIXED)
            .setMaxRetries(2)
            .setDelay(Duration.ofMillis(100))
            .setMaxDelay(Duration.ofSeconds(5))
            .setTryTimeout(Duration.ofSeconds(5));
    static final TokenCredential ARM_CREDENTIAL =
            context -> Mono.just(new AccessToken("arm-token", OffsetDateTime.now().plusHours(1)));
    static final String AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";
    static final String RESOURCE_GROUP = "weft-rg";
    static final String NAMESPACE = "weft-ns";

    final ServiceBusTestEndpoint endpoint;
    final FakeServiceBusHttpClient http;
    final String topic = "invalidation-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private ManagementRelay relay;

    ServiceBusFixture(ServiceBusTestEndpoint endpoint) {
        this.endpoint = endpoint;
        this.http = new FakeServiceBusHttpClient(endpoint.model());
        endpoint.model().createTopic(topic);
    }

    /** Options for this topic with test timings; the caller adds the subscription strategy. */
    AzureCacheInvalidatorOptions.Builder options() {
        return AzureCacheInvalidatorOptions.builder()
                .connectionString(endpoint.connectionString())
                .topic(topic)
                .retryOptions(RETRY)
                .linkCheckInterval(LINK_CHECK_INTERVAL)
                .linkCheckTimeout(LINK_CHECK_TIMEOUT)
                .startTimeout(TIMEOUT)
                .httpClient(http)
                .credential(ARM_CREDENTIAL);
    }

    /** Creates the subscription in the namespace, and the strategy that uses it. */
    SubscriptionStrategy existing(String name) {
        endpoint.model().createSubscription(topic, name);
        return SubscriptionStrategy.existing(name);
    }

    static SubscriptionStrategy resourceManager() {
        return SubscriptionStrategy.autoCreateWithResourceManager(AZURE_SUBSCRIPTION, RESOURCE_GROUP, NAMESPACE);
    }

    /** This JVM's instance, made the default backend, subscribed. */
    CacheInvalidator local(AzureCacheInvalidatorOptions.Builder options) throws InterruptedException {
        CacheInvalidator invalidator = closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(),
                options.build()));
        CachingServices.setDefaultBackend(invalidator);
        assertThat(invalidator.awaitConnected(TIMEOUT)).as("subscribed").isTrue();
        return invalidator;
    }

    /**
     * An instance in another JVM.
     *
     * @param strategy {@code existing:<name>} (created here first), {@code auto} or {@code arm}
     */
    JvmProcess peer(String strategy, WhileDisconnected policy) {
        String spec = strategy;
        if (strategy.startsWith("existing:")) {
            endpoint.model().createSubscription(topic, strategy.substring("existing:".length()));
        } else if (strategy.equals("arm")) {
            spec = "arm:" + AZURE_SUBSCRIPTION + ":" + RESOURCE_GROUP + ":" + NAMESPACE;
        }
        if (relay == null && !strategy.startsWith("existing:")) {
            relay = closeLater(new ManagementRelay(http));
        }
        JvmProcess p = JvmLauncher.forMainClass(PeerMain.class)
                .args(endpoint.connectionString(), topic, spec, String.valueOf(relay == null ? 0 : relay.port()),
                        policy.name(), String.valueOf(LINK_CHECK_INTERVAL.toMillis()))
                .jvmArgs("-Xmx192m", "-XX:TieredStopAtLevel=1")
                .start()
                .awaitReady(TIMEOUT);
        return closeLater(p);
    }

    JvmProcess peer(String strategy) {
        return peer(strategy, WhileDisconnected.SERVE_LOCAL);
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
    }
}
