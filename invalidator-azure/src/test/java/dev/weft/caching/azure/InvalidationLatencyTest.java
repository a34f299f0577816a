package dev.weft.caching.azure;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures, on the in-process endpoint, how long an invalidation takes to reach another instance: from
 * {@code invalidate(key)} on A to the entry being gone from B's local cache, one operation at a time; next to it, the
 * raw SDK's send to receive of the same bytes (a {@code ServiceBusSenderClient.sendMessage} and a processor with the
 * same receive settings as Weft's). Prints the percentiles and writes them to
 * {@code target/azure-invalidation-latency.txt}; docs/performance.md quotes a run.
 *
 * <p>{@code -Dweft.latency.operations=N} changes the number of measured operations (default 1,000, after 200 of
 * warm-up). The only assertion is the invariant: well within a second.
 */
class InvalidationLatencyTest {

    static final int OPERATIONS = Integer.getInteger("weft.latency.operations", 1_000);
    static final int WARMUP = 200;

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
    void invalidationLatencyNextToTheRawSdk() throws Exception {
        SignallingBackend bLocal = new SignallingBackend(MemoryCachingBackend.create());
        CacheInvalidator a = fixture.closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(),
                fixture.options().subscription(fixture.existing("web-a")).build()));
        CacheInvalidator b = fixture.closeLater(AzureCacheInvalidator.create(bLocal,
                fixture.options().subscription(fixture.existing("web-b")).build()));
        assertThat(a.awaitConnected(ServiceBusFixture.TIMEOUT) && b.awaitConnected(ServiceBusFixture.TIMEOUT)).isTrue();

        long[] weft = new long[OPERATIONS];
        long[] acks = new long[OPERATIONS];
        for (int i = -WARMUP; i < OPERATIONS; i++) {
            String key = "dev.weft.samples.Catalog.product(" + i + ")";
            LoadToken load = bLocal.beginLoad(ItemKey.of(key));
            bLocal.set(load, CacheItem.of("value"));
            long t0 = System.nanoTime();
            a.invalidate(key);
            long acked = System.nanoTime();
            String gone = bLocal.invalidated.poll(10, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            assertThat(gone).isEqualTo(key);
            assertThat(bLocal.get(ItemKey.of(key))).isNull();
            if (i >= 0) {
                weft[i] = t1 - t0;
                acks[i] = acked - t0;
            }
        }

        long[] raw = rawSdk(new InvalidationMessage(UUID.randomUUID(), 1, 1, 1,
                List.of(InvalidationMessage.Operation.key("dev.weft.samples.Catalog.product(123)"))).encode());

        String report = String.format(Locale.ROOT, "Azure Service Bus, in-process endpoint, %d operations one at a time "
                        + "(after %d warm-up)%n%s%n%s%n%s%n", OPERATIONS, WARMUP,
                line("weft: invalidate on A -> entry gone on B", weft),
                line("weft: invalidate on A returns (AWAIT_ACK)", acks),
                line("raw SDK: sendMessage -> processMessage", raw));
        System.out.print(report);
        Path out = Path.of("target", "azure-invalidation-latency.txt");
        try {
            Files.writeString(out, report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the printed report is enough
        }
    }

    /** The same bytes, sent with the SDK's synchronous sender and received by a processor set up like Weft's. */
    private long[] rawSdk(byte[] body) throws Exception {
        endpoint.model().createSubscription(fixture.topic, "raw");
        SynchronousQueue<Long> received = new SynchronousQueue<>();
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder()
                .connectionString(endpoint.connectionString()).retryOptions(ServiceBusFixture.RETRY);
        ServiceBusProcessorClient processor = fixture.closeLater(builder.processor()
                .topicName(fixture.topic).subscriptionName("raw")
                .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE).disableAutoComplete()
                .maxConcurrentCalls(1).prefetchCount(20)
                .processMessage(context -> {
                    if ("latency".equals(context.getMessage().getSubject())) {
                        try {
                            received.put(System.nanoTime());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .processError(context -> { })
                .buildProcessorClient());
        ServiceBusSenderClient sender = fixture.closeLater(builder.sender().topicName(fixture.topic).buildClient());
        processor.start();
        endpoint.awaitReceiverAttached(fixture.topic, "raw", ServiceBusFixture.TIMEOUT);
        long[] times = new long[OPERATIONS];
        for (int i = -WARMUP; i < OPERATIONS; i++) {
            long t0 = System.nanoTime();
            sender.sendMessage(new ServiceBusMessage(body).setSubject("latency"));
            Long t1 = received.poll(10, TimeUnit.SECONDS);
            assertThat(t1).isNotNull();
            if (i >= 0) {
                times[i] = t1 - t0;
            }
        }
        return times;
    }

    private static String line(String what, long[] nanos) {
        return String.format(Locale.ROOT, "%-45s p50 %6.2f ms   p90 %6.2f ms   p99 %6.2f ms   max %7.2f ms", what,
                percentile(nanos, 50) / 1e6, percentile(nanos, 90) / 1e6, percentile(nanos, 99) / 1e6,
                percentile(nanos, 100) / 1e6);
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** A local backend that reports each key it is told to invalidate. */
    static final class SignallingBackend implements CachingBackend {
        final BlockingQueue<String> invalidated = new LinkedBlockingQueue<>();
        private final CachingBackend delegate;

        SignallingBackend(CachingBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public CacheItem get(ItemKey key) {
            return delegate.get(key);
        }

        @Override
        public LoadToken beginLoad(ItemKey key) {
            return delegate.beginLoad(key);
        }

        @Override
        public boolean set(LoadToken load, CacheItem item) {
            return delegate.set(load, item);
        }

        @Override
        public void abandon(LoadToken load) {
            delegate.abandon(load);
        }

        @Override
        public boolean isStale(LoadToken load, java.util.Set<String> dependencies) {
            return delegate.isStale(load, dependencies);
        }

        @Override
        public void invalidate(String key) {
            delegate.invalidate(key);
            invalidated.offer(key);
        }

        @Override
        public void invalidateDependency(String dependency) {
            delegate.invalidateDependency(dependency);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
