package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessageFormatException;
import dev.weft.caching.invalidation.InvalidationTransport.PublishFailure;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.ProblemLog;
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
 * The sender's queue policy and its circuit, driven by a transport the test controls: a publish completes only when
 * the test says so, or fails; the transport says whether it could publish.
 */
class MessageSenderTest {

    /** Publishes complete when the test completes their futures, in order. */
    private static final class HeldTransport implements InvalidationTransport {
        final List<byte[]> published = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        volatile boolean fail;
        volatile boolean up = true;
        /** Accept every publish at once. */
        volatile boolean autoAccept;
        volatile PublishFailure failure = PublishFailure.DOWN;

        @Override
        public void start(Listener listener) {
        }

        @Override
        public synchronized CompletionStage<Void> publish(byte[] message) {
            if (fail) {
                return CompletableFuture.failedFuture(new IllegalStateException("transport down"));
            }
            published.add(message);
            if (autoAccept) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        /** Completes the pending publishes of heartbeats only. */
        synchronized void acceptHeartbeats() throws InvalidationMessageFormatException {
            for (int i = 0; i < published.size(); i++) {
                if (InvalidationMessage.decode(published.get(i), new InvalidationMessage.Limits(1 << 20, 1 << 20))
                        .type() == InvalidationMessage.Type.HEARTBEAT) {
                    pending.get(i).complete(null);
                }
            }
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

        synchronized List<InvalidationMessage> messages() throws InvalidationMessageFormatException {
            List<InvalidationMessage> decoded = new ArrayList<>();
            for (byte[] m : published) {
                decoded.add(InvalidationMessage.decode(m, new InvalidationMessage.Limits(1 << 20, 1 << 20)));
            }
            return decoded;
        }

        synchronized List<Operation> operations() throws InvalidationMessageFormatException {
            List<Operation> ops = new ArrayList<>();
            for (InvalidationMessage m : messages()) {
                ops.addAll(m.operations());
            }
            return ops;
        }

        @Override
        public boolean canPublish() {
            return up;
        }

        @Override
        public PublishFailure classifyPublishFailure(Throwable cause) {
            return failure;
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
    private final UUID id = UUID.randomUUID();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private MessageSender sender(int maxPending, long publishTimeoutMillis) {
        return sender(maxPending, publishTimeoutMillis, 3_600_000, null);
    }

    private MessageSender sender(int maxPending, long publishTimeoutMillis, long heartbeatMillis, MessageSigner signer) {
        return new MessageSender(transport, id, 0, "test", signer, 64 * 1024, maxPending,
                TimeUnit.MILLISECONDS.toNanos(publishTimeoutMillis), TimeUnit.MILLISECONDS.toNanos(heartbeatMillis),
                TimeUnit.MILLISECONDS.toNanos(4 * heartbeatMillis), scheduler, counters, new ProblemLog(org.slf4j.LoggerFactory.getLogger(MessageSenderTest.class)));
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

    /** Issue 14, case 5: while the transport is known down, a caller waiting for the acknowledgement waited 5 s. */
    @Test
    void whileTheTransportSaysItIsDownNobodyWaitsAndOneClearGoesOutWhenItIsBack() throws Exception {
        MessageSender sender = sender(100, 30_000);
        transport.up = false;
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            CompletableFuture<Void> ack = sender.send(Operation.key("k" + i), true);
            assertThat(ack).as("the caller is not made to wait").isDone();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertThat(sender.circuit()).isEqualTo(MessageSender.Circuit.OPEN);
        assertThat(counters.deferredInvalidations.sum()).isEqualTo(20);
        org.awaitility.Awaitility.await().until(() -> counters.publishFailures.sum() > 0);
        transport.up = true;
        transport.fail = false;
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll(); return sender.pendingOperations() == 0
                && counters.messagesSent.sum() > 0; });
        assertThat(transport.operations()).containsExactly(Operation.clear());
        assertThat(sender.circuit()).isEqualTo(MessageSender.Circuit.CLOSED);
    }

    @Test
    void callersWaitingForAnAcknowledgementAreReleasedWhenAPublishFails() throws Exception {
        MessageSender sender = sender(100, 30_000);
        CompletableFuture<Void> inFlight = sender.send(Operation.key("first"), true);
        CompletableFuture<Void> queued = sender.send(Operation.key("second"), true);
        assertThat(inFlight).isNotDone();
        assertThat(queued).isNotDone();
        transport.fail = true;
        CompletableFuture<Void> first;
        synchronized (transport) {
            first = transport.pending.get(0);
        }
        first.completeExceptionally(new IllegalStateException("connection reset"));
        assertThat(inFlight).succeedsWithin(java.time.Duration.ofSeconds(5));
        assertThat(queued).succeedsWithin(java.time.Duration.ofSeconds(5));
        assertThat(sender.circuit()).isEqualTo(MessageSender.Circuit.OPEN);
        transport.fail = false;
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll(); return sender.pendingOperations() == 0
                && sender.circuit() == MessageSender.Circuit.CLOSED; });
        assertThat(transport.operations()).as("the failed message went again; what queued behind it became a clear")
                .containsSubsequence(Operation.key("first"), Operation.clear());
    }

    /** Issue 14, case 6: ServerBusy must not turn into a fleet-wide clear. */
    @Test
    void aThrottledTransportKeepsEveryInvalidationAsItIsWithoutMakingCallersWait() throws Exception {
        MessageSender sender = sender(100, 30_000);
        transport.failure = PublishFailure.THROTTLED;
        transport.fail = true;
        sender.send(Operation.key("first"), false);
        org.awaitility.Awaitility.await().until(() -> sender.circuit() == MessageSender.Circuit.THROTTLED);
        for (int i = 0; i < 10; i++) {
            assertThat(sender.send(Operation.key("k" + i), true)).isDone();
        }
        assertThat(sender.pendingOperations()).as("queued as they are").isEqualTo(10);
        transport.fail = false;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            transport.acceptAll();
            return sender.pendingOperations() == 0 && counters.operationsSent.sum() == 11;
        });
        assertThat(transport.operations()).doesNotContain(Operation.clear()).hasSize(11);
    }

    /** A slow transport is not a down one: callers stop waiting, the queue stays as it is, nothing becomes a clear. */
    @Test
    void anAttemptUnansweredForThePublishTimeoutReleasesCallersWithoutCollapsingTheQueue() throws Exception {
        MessageSender sender = sender(100, 100);
        CompletableFuture<Void> inFlight = sender.send(Operation.key("k"), true);
        CompletableFuture<Void> queued = sender.send(Operation.key("j"), true);
        org.awaitility.Awaitility.await().until(() -> {
            sender.tick();
            return sender.circuit() == MessageSender.Circuit.THROTTLED;
        });
        assertThat(inFlight).isDone();
        assertThat(queued).isDone();
        assertThat(sender.send(Operation.key("i"), true)).as("later callers do not wait either").isDone();
        transport.acceptAll();
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll(); return sender.pendingOperations() == 0
                && sender.circuit() == MessageSender.Circuit.CLOSED; });
        assertThat(transport.operations()).containsExactly(Operation.key("k"), Operation.key("j"), Operation.key("i"));
        synchronized (transport) {
            assertThat(transport.published).as("no duplicate attempt").hasSize(2);
        }
    }

    @Test
    void anIdleSenderPublishesAHeartbeatWithTheNumberOfItsLastAcceptedMessage() throws Exception {
        MessageSender sender = sender(100, 30_000, 20, null);
        sender.send(Operation.key("a"), false);
        sender.send(Operation.key("b"), false);
        org.awaitility.Awaitility.await().until(() -> { transport.acceptAll();
            return sender.lastAcceptedSequence() == 2; });
        org.awaitility.Awaitility.await().until(() -> {
            sender.tick();
            transport.acceptAll();
            return counters.heartbeatsSent.sum() > 0;
        });
        InvalidationMessage heartbeat = transport.messages().stream()
                .filter(m -> m.type() == InvalidationMessage.Type.HEARTBEAT).findFirst().orElseThrow();
        assertThat(heartbeat.sequence()).isEqualTo(sender.lastAcceptedSequence()).isEqualTo(2);
        assertThat(heartbeat.sender()).isEqualTo(id);
    }

    /** Heartbeats keep flowing while a message is stuck; past a quarter of the bound they declare its number. */
    @Test
    void whileAMessageIsStuckHeartbeatsFlowAndEventuallyDeclareIt() throws Exception {
        MessageSender sender = sender(100, 30_000, 50, null);
        sender.send(Operation.key("stuck"), false);
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(5))
                .until(() -> {
            sender.tick();
            transport.acceptHeartbeats();
            return transport.messages().stream().anyMatch(m -> m.type() == InvalidationMessage.Type.HEARTBEAT
                    && m.sequence() == 1);
        });
        assertThat(transport.messages().stream().filter(m -> m.type() == InvalidationMessage.Type.HEARTBEAT)
                .findFirst().orElseThrow().sequence()).as("first, the last accepted number").isZero();
    }

    @Test
    void closeSaysGoodbyeWithTheLastNumberAssigned() throws Exception {
        MessageSender sender = sender(100, 2_000);
        transport.autoAccept = true;
        sender.send(Operation.key("a"), false);
        sender.close(2_000);
        List<InvalidationMessage> messages = transport.messages();
        InvalidationMessage last = messages.get(messages.size() - 1);
        assertThat(last.type()).isEqualTo(InvalidationMessage.Type.GOODBYE);
        assertThat(last.sequence()).isEqualTo(1);
    }

    @Test
    void aMessageTheTransportRefusesAsTooLargeIsReplacedByAClearUnderTheSameNumber() throws Exception {
        MessageSender sender = sender(100, 30_000);
        transport.failure = PublishFailure.TOO_LARGE;
        sender.send(Operation.key("big"), false);
        CompletableFuture<Void> first;
        synchronized (transport) {
            first = transport.pending.get(0);
        }
        first.completeExceptionally(new IllegalStateException("message too large"));
        org.awaitility.Awaitility.await().until(() -> { synchronized (transport) {
            return transport.published.size() == 2; } });
        transport.acceptAll();
        List<InvalidationMessage> messages = transport.messages();
        assertThat(messages.get(1).sequence()).isEqualTo(messages.get(0).sequence());
        assertThat(messages.get(1).operations()).containsExactly(Operation.clear());
        assertThat(sender.circuit()).as("a refusal for size says nothing about the transport")
                .isEqualTo(MessageSender.Circuit.CLOSED);
    }

    @Test
    void withAKeyEveryMessageIsSigned() throws Exception {
        MessageSigner signer = new MessageSigner("0123456789abcdef0123456789abcdef".getBytes());
        MessageSender sender = sender(100, 30_000, 3_600_000, signer);
        sender.send(Operation.key("a"), false);
        transport.acceptAll();
        byte[] bytes;
        synchronized (transport) {
            bytes = transport.published.get(0);
        }
        assertThat(signer.verify(bytes)).isTrue();
        assertThat(new MessageSigner("another key, just as long as it".getBytes()).verify(bytes)).isFalse();
        assertThat(InvalidationMessage.decode(bytes, new InvalidationMessage.Limits(1 << 20, 10)).operations())
                .containsExactly(Operation.key("a"));
    }
}
