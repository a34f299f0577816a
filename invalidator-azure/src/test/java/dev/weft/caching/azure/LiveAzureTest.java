package dev.weft.caching.azure;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The two-instance check against a real Service Bus namespace: skipped, with the reason shown, unless
 * {@code WEFT_AZURE_CONNECTION_STRING} (a policy with Manage, for {@code autoCreate}) and {@code WEFT_AZURE_TOPIC}
 * are set; the Resource Manager variant also needs {@code WEFT_AZURE_SUBSCRIPTION_ID},
 * {@code WEFT_AZURE_RESOURCE_GROUP}, {@code WEFT_AZURE_NAMESPACE} and a {@code DefaultAzureCredential} identity with a
 * control-plane role on the namespace (e.g. after {@code az login}).
 */
class LiveAzureTest {

    static final String CONNECTION_STRING = System.getenv("WEFT_AZURE_CONNECTION_STRING");
    static final String TOPIC = System.getenv("WEFT_AZURE_TOPIC");
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final List<AutoCloseable> resources = new ArrayList<>();

    /** Per test, not per class: surefire reports each test as skipped with this reason (a class-level one vanishes). */
    @BeforeEach
    void requireANamespace() {
        assumeTrue(CONNECTION_STRING != null && !CONNECTION_STRING.isBlank() && TOPIC != null && !TOPIC.isBlank(),
                "live Azure test skipped: set WEFT_AZURE_CONNECTION_STRING (a policy with Manage) and WEFT_AZURE_TOPIC "
                        + "to run it against a real namespace");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void twoInstancesWithAutoCreatedSubscriptionsStayInSync() throws Exception {
        checkTwoInstances(SubscriptionStrategy.autoCreate(), "auto");
    }

    @Test
    void twoInstancesWithResourceManagerSubscriptionsStayInSync() throws Exception {
        String subscriptionId = System.getenv("WEFT_AZURE_SUBSCRIPTION_ID");
        String resourceGroup = System.getenv("WEFT_AZURE_RESOURCE_GROUP");
        String namespace = System.getenv("WEFT_AZURE_NAMESPACE");
        assumeTrue(subscriptionId != null && resourceGroup != null && namespace != null,
                "live Resource Manager test skipped: set WEFT_AZURE_SUBSCRIPTION_ID, WEFT_AZURE_RESOURCE_GROUP and "
                        + "WEFT_AZURE_NAMESPACE (and sign in for DefaultAzureCredential)");
        checkTwoInstances(SubscriptionStrategy.autoCreateWithResourceManager(subscriptionId, resourceGroup, namespace),
                "arm:" + subscriptionId + ":" + resourceGroup + ":" + namespace);
    }

    private void checkTwoInstances(SubscriptionStrategy strategy, String peerStrategy) throws Exception {
        CacheInvalidator invalidator = AzureCacheInvalidator.create(MemoryCachingBackend.create(),
                AzureCacheInvalidatorOptions.builder().connectionString(CONNECTION_STRING).topic(TOPIC)
                        .subscription(strategy).instanceIdPrefix("weft-live").build());
        resources.add(invalidator);
        CachingServices.setDefaultBackend(invalidator);
        assertThat(invalidator.awaitConnected(TIMEOUT)).isTrue();
        JvmProcess there = JvmLauncher.forMainClass(PeerMain.class)
                .args(CONNECTION_STRING, TOPIC, peerStrategy, "0", WhileDisconnected.SERVE_LOCAL.name(), "10000")
                .jvmArgs("-Xmx192m")
                .start()
                .awaitReady(TIMEOUT);
        resources.add(there);
        ProductCatalog here = new ProductCatalog();
        here.database.put(1L, "tea");
        there.request("DB 1 tea", TIMEOUT);
        here.getProduct(1);
        there.request("GET 1", TIMEOUT);

        there.request("DB 1 black tea", TIMEOUT);
        here.rename(1, "black tea");
        await().atMost(Duration.ofSeconds(1)).until(() -> there.request("GET 1", TIMEOUT).equals("black tea"));

        here.database.put(1L, "green tea");
        there.request("RENAME 1 green tea", TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("green tea"));

        here.database.put(1L, "oolong");
        there.request("DB 1 oolong", TIMEOUT);
        there.request("INVDEP product:1", TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("oolong"));

        here.database.put(1L, "sencha");
        there.request("DB 1 sencha", TIMEOUT);
        CachingServices.clear();
        await().atMost(Duration.ofSeconds(1)).until(() -> there.request("GET 1", TIMEOUT).equals("sencha"));
        assertThat(invalidator.status().details()).containsEntry("sharedSubscriptionSuspected", "false");
    }
}
