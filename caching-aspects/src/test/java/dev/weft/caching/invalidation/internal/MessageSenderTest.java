package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessageFormatException;
import dev.weft.caching.invalidation.InvalidationTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sender's queue policy, driven by a transport the test controls: a publish completes only when the test says
 * so, or fails.
 */
class MessageSenderTest {

    /** Publishes complete when the test completes their futures, in order. */
    private static final class HeldTransport implements InvalidationTransport {
        final List<byte[]> published = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        volatile boolean fail;

        @Override
        public void start(Listener listener) {
        }

        @Override
        public synchronized CompletionStage<Void> publish(byte[] message) {
            if (fail) {
                return CompletableFuture.failedFuture(new IllegalStateException("transport down"));
            }
            published.add(message);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        /** Completes every publish made so far (and those made meanwhile), until none is pending. */
        void acceptAll() {
            while (true) {
                CompletableFuture<Void> next;
                synchronized (this) {
                    next = pending.stream().filter(f -> !f.isDone()).findFirst().orElse(null);
                }
                if (next == null) {
                    return;
                }
                next.complete(null);
            }
        }

        synchronized List<Operation> operations() throws InvalidationMessageFormatException {
            List<Operation> ops = new ArrayList<>();
            for (byte[] m : published) {
                ops.addAll(InvalidationMessage.decode(m, new InvalidationMessage.Limits(1 << 20, 1 << 20)).operations());
            }
            return ops;
        }

        @Override
        public int maxMessageBytes() {
            return 64 * 1024;
        }

        @Override
        public String description() {
            return "held";
        }

        @Override
        public Map<String, String> details() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HeldTransport transport = new HeldTransport();
    private final InvalidatorCounters counters = new InvalidatorCounters();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private MessageSender sender(int maxPending, long backPressureMillis) {
        return new MessageSender(transport, UUID.randomUUID(), 0, "test", 64 * 1024, maxPending,
                TimeUnit.MILLISECONDS.toNanos(backPressureMillis), scheduler, counters);
    }

    @Test
    void aProducerFasterThanAHealthyTransportWaitsForRoomInsteadOfCollapsingTheQueue() throws Exception {
        MessageSender sender = sender(10, 30_000);
        AtomicInteger issued = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                sender.send(Operation.key("k" + i), false);
                issued.incrementAndGet();
            }
        });
        producer.start();
        // the first message is in flight and held; the queue fills to 10 and the producer waits for room
        org.awaitility.Awaitility.await().until(() -> sender.pendingOperations() == 10);
        assertThat(producer.isAlive()).isTrue();
        assertThat(issued.get()).isLessThan(100);
        while (producer.isAlive()) {
            transport.acceptAll();
        }
        transport.acceptAll();
        producer.join();
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll(); return sender.pendingOperations() == 0; });
        List<Operation> sent = transport.operations();
        assertThat(sent).doesNotContain(Operation.clear()).hasSize(100);
    }

    @Test
    void whenTheTransportFailsAFullQueueCollapsesIntoOneClearAtOnce() throws Exception {
        MessageSender sender = sender(10, 30_000);
        transport.fail = true;
        sender.send(Operation.key("first"), false);
        org.awaitility.Awaitility.await().until(() -> counters.publishFailures.sum() > 0);
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            sender.send(Operation.key("k" + i), false);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("nobody waited").isLessThan(10_000);
        assertThat(sender.pendingOperations()).as("one clear covers them all").isEqualTo(1);
        transport.fail = false;
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll(); return sender.pendingOperations() == 0; });
        assertThat(transport.operations()).contains(Operation.clear());
    }

    @Test
    void aBackPressureWaitThatTimesOutCollapsesTheQueue() throws Exception {
        MessageSender sender = sender(5, 50);
        for (int i = 0; i < 20; i++) {
            sender.send(Operation.key("k" + i), false);
        }
        assertThat(sender.pendingOperations()).isEqualTo(1);
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll(); return sender.pendingOperations() == 0; });
        assertThat(transport.operations()).contains(Operation.clear());
    }
}
