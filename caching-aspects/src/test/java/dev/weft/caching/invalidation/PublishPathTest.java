package dev.weft.caching.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a {@link CacheInvalidator} does with its own invalidations on their way out: how long a call waits in each
 * {@link PublishMode}, what it counts and logs when the transport does not answer, how the options and the
 * transport interface's defaults shape what is sent, and when heartbeats declare a message stuck on its way. Driven
 * through a {@link ControlledTransport}, which can leave an invalidation unanswered.
 */
class PublishPathTest {

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    private final ControlledTransport transport = new ControlledTransport();
    private final RecordingBackend local = new RecordingBackend();
    private CacheInvalidator invalidator;

    @AfterEach
    void close() {
        transport.holdInvalidations = false;
        transport.answer();
        if (invalidator != null) {
            invalidator.close();
        }
    }

    private CacheInvalidator start(InvalidatorOptions.Builder<?> options) {
        invalidator = CacheInvalidator.create(local, transport, options.build());
        return invalidator;
    }

    private static Thread invalidating(CacheInvalidator invalidator, String key, Runnable after) {
        Thread t = new Thread(() -> {
            invalidator.invalidate(key);
            after.run();
        }, "caller-" + key);
        t.start();
        return t;
    }

    private static void awaitWaiting(Thread caller) {
        await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.TIMED_WAITING
                || caller.getState() == Thread.State.TERMINATED);
    }

    @Test
    void withAwaitAckACallReturnsOnlyOnceTheTransportAcceptedItsMessage() throws Exception {
        start(InvalidatorOptions.customTransportBuilder().publishTimeout(Duration.ofSeconds(10)));
        transport.holdInvalidations = true;
        AtomicInteger unansweredAtReturn = new AtomicInteger(-1);
        Thread caller = invalidating(invalidator, "k", () -> unansweredAtReturn.set(transport.heldCount()));
        awaitWaiting(caller);
        transport.answer();
        caller.join(5_000);
        assertThat(unansweredAtReturn.get()).isZero();
        assertThat(invalidator.status().publishTimeouts()).isZero();
    }

    @Test
    void withFireAndForgetACallReturnsWithoutWaitingForTheTransport() {
        start(InvalidatorOptions.customTransportBuilder().publishMode(PublishMode.FIRE_AND_FORGET)
                .publishTimeout(Duration.ofSeconds(10)));
        transport.holdInvalidations = true;
        long start = System.nanoTime();
        invalidator.invalidate("k");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(transport.heldCount()).as("still unanswered").isEqualTo(1);
        assertThat(invalidator.status().publishTimeouts()).isZero();
    }

    /**
     * A call whose message is not accepted within the publish timeout stops waiting, is counted and logged (without
     * its key). Its message queues behind one on its way, which is accepted only later, so that the call's wait ends
     * well before the sender's own watchdog could give up on its message and release it.
     */
    @Test
    void aCallNotAcknowledgedWithinThePublishTimeoutStopsWaitingAndIsCountedAndLogged() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        start(InvalidatorOptions.customTransportBuilder().publishTimeout(timeout));
        transport.holdInvalidations = true;
        Thread first = invalidating(invalidator, "first", () -> { });
        awaitWaiting(first);
        AtomicLong waitedNanos = new AtomicLong();
        long secondStart = System.nanoTime();
        Thread second = invalidating(invalidator, "second", () -> waitedNanos.set(System.nanoTime() - secondStart));
        awaitWaiting(second);
        // the second message starts its attempt now, 400 ms into the second call's wait
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - secondStart >= 400_000_000L);
        transport.answer();
        first.join(5_000);
        second.join(5_000);
        assertThat(Duration.ofNanos(waitedNanos.get())).isBetween(timeout, timeout.plusSeconds(3));
        assertThat(invalidator.status().publishTimeouts()).isEqualTo(1);
        assertThat(log.atInfoOrAbove()).filteredOn(l -> l.text().contains("did not acknowledge")).singleElement()
                .satisfies(l -> assertThat(l.text()).contains(invalidator.instanceId(), "KEY", "PT1S")
                        .doesNotContain("second"));
    }

    @Test
    void anInterruptedCallerReturnsAtOnceAndKeepsItsInterrupt() {
        start(InvalidatorOptions.customTransportBuilder().publishTimeout(Duration.ofSeconds(10)));
        transport.holdInvalidations = true;
        long start = System.nanoTime();
        Thread.currentThread().interrupt();
        invalidator.invalidate("k");
        boolean interrupted = Thread.interrupted();
        assertThat(interrupted).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(local.invalidated).containsExactly("k");
    }

    /**
     * A transport that keeps the interface's defaults ({@code canPublish}, {@code maxReceiveBytes}) publishes at once
     * and receives messages as large as it sends.
     */
    @Test
    void aTransportWithTheInterfacesDefaultsPublishesAndReceivesMessagesAsLargeAsItSends() throws Exception {
        start(InvalidatorOptions.customTransportBuilder());
        invalidator.invalidate("k");
        assertThat(transport.published()).extracting(InvalidationMessage::operations)
                .containsExactly(List.of(Operation.key("k")));
        assertThat(invalidator.status().publishCircuit()).isEqualTo(InvalidatorStatus.PublishCircuit.CLOSED);
        assertThat(invalidator.status().deferredInvalidations()).isZero();
        String longKey = "k".repeat(5_000);
        local.put(longKey, "v");
        transport.wire.deliver(new InvalidationMessage(UUID.randomUUID(), 1, 1, System.currentTimeMillis(),
                List.of(Operation.key(longKey))).encode());
        assertThat(local.has(longKey)).isFalse();
        assertThat(invalidator.status().malformedMessages()).isZero();
    }

    @Test
    void maxMessageBytesCapsWhatIsSentBelowTheTransportsLimit() throws Exception {
        start(InvalidatorOptions.customTransportBuilder().maxMessageBytes(1024));
        String fits = "f".repeat(900);
        invalidator.invalidate(fits);
        invalidator.invalidate("x".repeat(2_000));
        assertThat(transport.published()).extracting(InvalidationMessage::operations)
                .containsExactly(List.of(Operation.key(fits)), List.of(Operation.clear()));
    }

    /**
     * Defect found by this test: a key with a lone surrogate (a string argument cut inside a character) went out
     * with {@code ?} in its place, so peers invalidated another key and kept the stale entry. It now goes out as a
     * "clear everything". Fails without InvalidatorRuntime#carriable.
     */
    @Test
    void aTargetWithALoneSurrogateIsPublishedAsAClearNeverAsAnotherKey() throws Exception {
        start(InvalidatorOptions.customTransportBuilder());
        invalidator.invalidate("name:Zo\uD83D");
        invalidator.invalidateDependency("\uD83Dx");
        invalidator.invalidate("\uDE00a");
        invalidator.invalidate("emoji:\uD83D\uDE00!");
        assertThat(local.invalidated).as("applied here as given").containsExactly("name:Zo\uD83D", "\uDE00a",
                "emoji:\uD83D\uDE00!");
        assertThat(transport.published()).extracting(InvalidationMessage::operations).containsExactly(
                List.of(Operation.clear()), List.of(Operation.clear()), List.of(Operation.clear()),
                List.of(Operation.key("emoji:\uD83D\uDE00!")));
        assertThat(log.atInfoOrAbove()).filteredOn(l -> l.text().contains("lone surrogate")).singleElement()
                .satisfies(l -> assertThat(l.text()).contains(invalidator.instanceId(), "KEY", "'clear everything'")
                        .doesNotContain("name:Zo"));
        assertThat(log.belowInfo()).as("the key at DEBUG").anyMatch(l -> l.text().contains("name:Zo\uD83D"));
    }

    /**
     * A message on its way for a quarter of the bound is declared by the next heartbeat, so that peers treat it as
     * possibly lost within the bound even while the transport keeps retrying it.
     */
    @Test
    void aMessageStuckOnItsWayIsDeclaredByAHeartbeatWithinTheBound() {
        Duration bound = Duration.ofSeconds(2);
        start(InvalidatorOptions.customTransportBuilder().maxStalenessWhileDisconnected(bound)
                .publishMode(PublishMode.FIRE_AND_FORGET));
        transport.holdInvalidations = true;
        long start = System.nanoTime();
        invalidator.invalidate("k");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.published().stream()
                .anyMatch(m -> m.type() == InvalidationMessage.Type.HEARTBEAT && m.sequence() == 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
    }

    /** The sender's thread never keeps a JVM alive, and a thread dump names the instance it works for. */
    @Test
    void theSendersThreadIsADaemonNamedAfterTheInstance() {
        start(InvalidatorOptions.customTransportBuilder().heartbeatInterval(Duration.ofMillis(10)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !transport.controlThreads().isEmpty());
        Thread sender = transport.controlThreads().get(0);
        String id = invalidator.instanceId();
        assertThat(sender.getName()).isEqualTo("weft-sender-" + id.substring(id.length() - 8));
        assertThat(sender.isDaemon()).isTrue();
    }
}
