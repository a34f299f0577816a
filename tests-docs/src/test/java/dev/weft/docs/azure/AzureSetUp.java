package dev.weft.docs.azure;

import com.azure.core.amqp.AmqpTransportType;
import com.azure.core.amqp.ProxyAuthenticationType;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import dev.weft.caching.CachingServices;
import dev.weft.caching.azure.AzureCacheInvalidator;
import dev.weft.caching.azure.AzureCacheInvalidatorOptions;
import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;

import java.net.InetSocketAddress;
import java.net.Proxy;

/** docs/azure.md: never run, only compiled (it names a namespace that does not exist here). */
final class AzureSetUp {

    private AzureSetUp() {
    }

    static void withManagedIdentity() {
        MemoryCachingBackend local = MemoryCachingBackend.builder().maximumSize(50_000).build();
        CacheInvalidator invalidator = AzureCacheInvalidator.create(local,
                AzureCacheInvalidatorOptions.builder()
                        .fullyQualifiedNamespace("shop-bus.servicebus.windows.net")
                        .topic("cache-invalidation")
                        .subscription(SubscriptionStrategy.autoCreate())
                        .build());
        CachingServices.setDefaultBackend(invalidator);
        invalidator.close();
    }

    static void publishOnly(AzureCacheInvalidatorOptions options) {
        try (InvalidationPublisher feed = AzureCacheInvalidator.publisher(options)) {
            feed.invalidateDependency("product:42");
        }
    }

    static AzureCacheInvalidatorOptions throughAProxy() {
        InetSocketAddress proxy = new InetSocketAddress("proxy.internal", 8080);
        AzureCacheInvalidatorOptions options = AzureCacheInvalidatorOptions.builder()
                .connectionString("Endpoint=sb://shop-bus.servicebus.windows.net/;SharedAccessKeyName=weft;"
                        + "SharedAccessKey=a2V5")
                .topic("cache-invalidation")
                .clientCustomizer(builder -> builder
                        .transportType(AmqpTransportType.AMQP_WEB_SOCKETS)
                        .proxyOptions(new com.azure.core.amqp.ProxyOptions(ProxyAuthenticationType.NONE,
                                new Proxy(Proxy.Type.HTTP, proxy), null, null)))
                .httpClient(new NettyAsyncHttpClientBuilder()
                        .proxy(new com.azure.core.http.ProxyOptions(com.azure.core.http.ProxyOptions.Type.HTTP, proxy))
                        .build())
                .build();
        return options;
    }
}
