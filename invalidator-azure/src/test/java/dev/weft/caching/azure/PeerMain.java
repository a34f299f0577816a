package dev.weft.caching.azure;

import com.azure.core.credential.AccessToken;
import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.ChildChannel;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Another instance of the application, in its own JVM: a {@link ProductCatalog} cached in memory and kept in sync
 * by an {@link AzureCacheInvalidator}. Arguments: connection string, topic, strategy ({@code existing:<name>},
 * {@code auto}, {@code arm:<azureSubscriptionId>:<resourceGroup>:<namespace>}), management relay port (0: the real
 * management endpoints and DefaultAzureCredential),
 * while-disconnected policy, link check interval in milliseconds.
 *
 * <p>Commands: {@code DB id name} (change the database only), {@code GET id}, {@code RENAME id name}
 * (an {@code @InvalidateCache} method), {@code INVDEP dependency}, {@code CLEAR}, {@code CALLS} (source calls so
 * far), {@code STATUS} (state, subscriptions, gaps, bypassing), {@code SUBSCRIPTION} (its name).
 */
public final class PeerMain {

    private PeerMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        AzureCacheInvalidatorOptions.Builder options = AzureCacheInvalidatorOptions.builder()
                .connectionString(args[0])
                .topic(args[1])
                .subscription(strategy(args[2]))
                .whileDisconnected(WhileDisconnected.valueOf(args[4]))
                .linkCheckInterval(Duration.ofMillis(Long.parseLong(args[5])))
                .linkCheckTimeout(ServiceBusFixture.LINK_CHECK_TIMEOUT)
                .retryOptions(ServiceBusFixture.RETRY)
                .startTimeout(ServiceBusFixture.TIMEOUT);
        int relayPort = Integer.parseInt(args[3]);
        if (relayPort > 0) {
            // the test's fake management API: any bearer token will do
            options.httpClient(new RelayHttpClient(relayPort))
                    .credential(context -> Mono.just(new AccessToken("arm-token", OffsetDateTime.now().plusHours(1))));
        }
        CacheInvalidator invalidator = AzureCacheInvalidator.create(MemoryCachingBackend.create(), options.build());
        CachingServices.setDefaultBackend(invalidator);
        ProductCatalog catalog = new ProductCatalog();
        channel.ready();
        channel.serve(command -> {
            String[] w = command.split(" ", 3);
            switch (w[0]) {
                case "DB":
                    catalog.database.put(Long.parseLong(w[1]), w[2]);
                    return "OK";
                case "GET":
                    return catalog.getProduct(Long.parseLong(w[1]));
                case "RENAME":
                    catalog.rename(Long.parseLong(w[1]), w[2]);
                    return "OK";
                case "INVDEP":
                    CachingServices.invalidateDependency(w[1]);
                    return "OK";
                case "CLEAR":
                    CachingServices.clear();
                    return "OK";
                case "CALLS":
                    return String.valueOf(catalog.sourceCalls.get());
                case "STATUS":
                    InvalidatorStatus s = invalidator.status();
                    return s.state() + " " + s.subscriptions() + " " + s.gapsDetected() + " " + s.bypassingCache();
                case "SUBSCRIPTION":
                    return invalidator.status().details().get("subscription");
                default:
                    throw new IllegalArgumentException("unknown command " + command);
            }
        });
        invalidator.close();
    }

    private static SubscriptionStrategy strategy(String spec) {
        String[] p = spec.split(":");
        switch (p[0]) {
            case "existing":
                return SubscriptionStrategy.existing(p[1]);
            case "auto":
                return SubscriptionStrategy.autoCreate();
            case "arm":
                return SubscriptionStrategy.autoCreateWithResourceManager(p[1], p[2], p[3]);
            default:
                throw new IllegalArgumentException("unknown strategy " + spec);
        }
    }
}
