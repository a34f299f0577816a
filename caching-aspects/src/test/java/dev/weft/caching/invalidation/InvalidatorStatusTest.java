package dev.weft.caching.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@link CacheInvalidator#status()} reports, as a monitoring system reads it: identity, connection state and when
 * it began, what was sent (messages and the operations they carried, what waits), what was received and applied,
 * one's own messages coming back, resubscriptions, the sender tracker's overflow, and the status line.
 */
class InvalidatorStatusTest {

    private final ControlledTransport transport = new ControlledTransport();
    private final RecordingBackend local = new RecordingBackend();
    private CacheInvalidator invalidator;

    @AfterEach
    void close() {
        if (invalidator != null) {
            invalidator.close();
        }
    }

    private CacheInvalidator start(InvalidatorOptions.Builder<?> options) {
        invalidator = CacheInvalidator.create(local, transport, options.build());
        return invalidator;
    }

    private CacheInvalidator start() {
        return start(InvalidatorOptions.customTransportBuilder());
    }

    @Test
    void aFreshInvalidatorReportsItsIdentityItsSubscriptionAndNoTrafficYet() {
        transport.details = Map.of("channel", "weft:test");
        Instant before = Instant.now();
        start();
        InvalidatorStatus s = invalidator.status();
        assertThat(s.instanceId()).isEqualTo(invalidator.instanceId());
        assertThat(s.transport()).isEqualTo("controlled");
        assertThat(s.details()).isEqualTo(Map.of("channel", "weft:test"));
        assertThat(s.state()).isEqualTo(InvalidatorStatus.State.CONNECTED);
        assertThat(s.connected()).isTrue();
        assertThat(s.stateSince()).isBetween(before.minusMillis(1), Instant.now().plusMillis(1));
        assertThat(s.subscriptions()).isEqualTo(1);
        assertThat(s.lastMessageReceived()).isNull();
        assertThat(s.lastMessageSent()).isNull();
        assertThat(s.messagesSent() + s.operationsSent() + s.messagesReceived() + s.operationsApplied()
                + s.pendingOperations() + s.trackerOverflows() + s.publishTimeouts()).isZero();
    }

    /**
     * Operations that arrive while a message is on its way wait, are reported as pending, and go out together: the
     * status tells messages from the operations they carried.
     */
    @Test
    void sentMessagesAndTheOperationsTheyCarriedAreCountedApartAndWaitingOnesArePending() {
        start(InvalidatorOptions.customTransportBuilder().publishMode(PublishMode.FIRE_AND_FORGET));
        transport.holdInvalidations = true;
        Instant before = Instant.now();
        invalidator.invalidate("a");
        invalidator.invalidate("b");
        invalidator.invalidate("c");
        invalidator.invalidateDependency("d");
        assertThat(invalidator.status().pendingOperations()).isEqualTo(3);
        assertThat(invalidator.status().messagesSent()).isZero();
        transport.answer();
        assertThat(transport.heldCount()).as("the three in one message").isEqualTo(1);
        transport.answer();
        InvalidatorStatus s = invalidator.status();
        assertThat(s.messagesSent()).isEqualTo(2);
        assertThat(s.operationsSent()).isEqualTo(4);
        assertThat(s.pendingOperations()).isZero();
        assertThat(s.lastMessageSent()).isBetween(before.minusMillis(1), Instant.now().plusMillis(1));
    }

    @Test
    void receivedMessagesAndTheOperationsAppliedAreCountedApart() {
        start();
        Instant before = Instant.now();
        transport.wire.deliver(new InvalidationMessage(UUID.randomUUID(), 1, 1, System.currentTimeMillis(), List.of(
                Operation.key("a"), Operation.key("b"), Operation.dependency("c"))).encode());
        InvalidatorStatus s = invalidator.status();
        assertThat(s.messagesReceived()).isEqualTo(1);
        assertThat(s.operationsApplied()).isEqualTo(3);
        assertThat(s.lastMessageReceived()).isBetween(before.minusMillis(1), Instant.now().plusMillis(1));
    }

    /** A broker such as Redis pub/sub delivers one's own messages too: they are ignored, and counted. */
    @Test
    void itsOwnMessagesComingBackAreIgnoredAndCounted() throws Exception {
        start();
        invalidator.invalidate("k");
        local.put("k", "reloaded");
        transport.wire.deliver(transport.published().get(0).encode());
        assertThat(invalidator.status().ownMessagesIgnored()).isEqualTo(1);
        assertThat(invalidator.status().operationsApplied()).isZero();
        assertThat(local.has("k")).isTrue();
        assertThat(local.invalidated).containsExactly("k");
    }

    @Test
    void aLostSubscriptionShowsAsDisconnectedAndEachResubscriptionIsCounted() {
        start();
        Instant before = Instant.now();
        transport.listener().onDisconnected("test");
        InvalidatorStatus down = invalidator.status();
        assertThat(down.state()).isEqualTo(InvalidatorStatus.State.DISCONNECTED);
        assertThat(down.connected()).isFalse();
        assertThat(down.stateSince()).isBetween(before.minusMillis(1), Instant.now().plusMillis(1));
        transport.listener().onSubscribed();
        assertThat(invalidator.status().connected()).isTrue();
        assertThat(invalidator.status().subscriptions()).isEqualTo(2);
    }

    @Test
    void theStatusLineSaysWhileTheCacheIsBypassed() {
        start(InvalidatorOptions.customTransportBuilder().whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        assertThat(invalidator.status().toString()).contains(invalidator.instanceId(), "CONNECTED")
                .doesNotContain("bypassing");
        transport.listener().onDisconnected("test");
        assertThat(invalidator.status().toString()).contains("DISCONNECTED (bypassing cache)");
    }

    /** Past 10,000 senders (publish-only clients created per task and never closed) the tracker forgets, and says so. */
    @Test
    void moreSendersThanTheTrackerHoldsIsCountedAsAnOverflowAndClearsTheCache() {
        start();
        local.put("a", "v");
        for (int i = 0; i <= 10_000; i++) {
            transport.wire.deliver(InvalidationMessage.heartbeat(UUID.randomUUID(), 1, 0, 0).encode());
        }
        assertThat(invalidator.status().trackerOverflows()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !local.has("a"));
    }
}
