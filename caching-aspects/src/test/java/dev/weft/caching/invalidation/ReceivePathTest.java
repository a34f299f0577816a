package dev.weft.caching.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.internal.MessageSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a {@link CacheInvalidator} does with what arrives, message by message: idempotent receipt, heartbeats,
 * goodbyes, silent senders, forged and garbled messages, signatures, and what it sends of its own. Driven through a
 * {@link ScriptedTransport}, with bounds short enough for a unit test (the bound 800 ms, so heartbeats every 200 ms
 * and silence after 400 ms).
 */
class ReceivePathTest {

    private static final Duration BOUND = Duration.ofMillis(800);
    private static final byte[] KEY = "the application's shared secret!".getBytes(StandardCharsets.UTF_8);

    private final ScriptedTransport transport = new ScriptedTransport();
    private final RecordingBackend local = new RecordingBackend();
    private final UUID peer = UUID.randomUUID();
    private final long peerStart = System.currentTimeMillis() - 60_000;
    private CacheInvalidator invalidator;

    @AfterEach
    void close() {
        if (invalidator != null) {
            invalidator.close();
        }
    }

    private CacheInvalidator start(InvalidatorOptions.Builder<?> options) {
        invalidator = CacheInvalidator.create(local, transport, options.maxStalenessWhileDisconnected(BOUND).build());
        return invalidator;
    }

    private CacheInvalidator start() {
        return start(InvalidatorOptions.customTransportBuilder());
    }

    private byte[] message(long sequence, Operation... ops) {
        return new InvalidationMessage(peer, peerStart, sequence, System.currentTimeMillis(), List.of(ops)).encode();
    }

    private byte[] heartbeat(long last) {
        return InvalidationMessage.heartbeat(peer, peerStart, last, System.currentTimeMillis()).encode();
    }

    /**
     * Issue 14, case 1. A message far ahead with a real sender's id used to make the receiver drop the sender's later
     * invalidations as duplicates: stale data and no alarm. Fails without idempotent receipt.
     */
    @Test
    void aForwardJumpWithARealSendersIdCostsOneClearAndNeverSilencesTheSender() {
        start();
        transport.deliver(message(1, Operation.key("a")));
        transport.deliver(message(1_000_000, Operation.key("forged")));
        assertThat(invalidator.status().gapsDetected()).isEqualTo(1);
        local.put("b", "old");
        local.put("c", "old");
        transport.deliver(message(2, Operation.key("b")));
        transport.deliver(message(3, Operation.key("c")));
        assertThat(local.invalidated).containsExactly("a", "forged", "b", "c");
        assertThat(local.has("b")).isFalse();
        assertThat(local.has("c")).isFalse();
        transport.deliver(message(5, Operation.key("e")));
        assertThat(invalidator.status().gapsDetected()).as("a real loss after the jump still shows").isEqualTo(2);
    }

    @Test
    void aReplayIsAppliedAgainHarmlessly() {
        start();
        transport.deliver(message(1, Operation.key("a")));
        local.put("a", "reloaded");
        transport.deliver(message(1, Operation.key("a")));
        assertThat(local.has("a")).isFalse();
        assertThat(invalidator.status().duplicateMessages()).isEqualTo(1);
        assertThat(invalidator.status().gapsDetected()).isZero();
    }

    /** Issue 14, case 3: a sender's last message lost showed only when it sent another. */
    @Test
    void aHeartbeatWhoseLastNumberNeverArrivedClearsTheCache() {
        start();
        transport.deliver(message(1, Operation.key("a")));
        int clears = local.clears.get();
        transport.deliver(heartbeat(2));
        assertThat(local.clears.get()).isEqualTo(clears + 1);
        assertThat(invalidator.status().gapsDetected()).isEqualTo(1);
        assertThat(invalidator.status().messagesLost()).isEqualTo(1);
        assertThat(invalidator.status().heartbeatsReceived()).isEqualTo(1);
    }

    @Test
    void aGoodbyeWithUnreceivedMessagesClearsTheCacheAndTheSenderIsForgotten() {
        start();
        transport.deliver(message(1, Operation.key("a")));
        assertThat(invalidator.status().knownSenders()).isEqualTo(1);
        transport.deliver(InvalidationMessage.goodbye(peer, peerStart, 3, System.currentTimeMillis()).encode());
        assertThat(invalidator.status().messagesLost()).isEqualTo(2);
        assertThat(invalidator.status().goodbyesReceived()).isEqualTo(1);
        assertThat(invalidator.status().knownSenders()).isZero();
    }

    /**
     * Issue 14, cases 3 and 4: a sender that crashed after a lost message, or lost its own path to the broker while
     * it keeps writing, left peers stale until expiry. Now its silence is a possible loss, and while it lasts no entry
     * older than half the bound is served.
     */
    @Test
    void aSenderFallenSilentIsAPossibleLossAndTheCacheIsClearedEveryHalfBoundUntilItIsHeardAgain() {
        start();
        transport.deliver(message(1, Operation.key("a")));
        int clears = local.clears.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> invalidator.status().silentSenders() == 1);
        assertThat(invalidator.status().sendersFallenSilent()).isEqualTo(1);
        assertThat(invalidator.status().bypassingCache()).as("SERVE_LOCAL keeps the cache").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> local.clears.get() >= clears + 3);
        transport.deliver(heartbeat(1));
        assertThat(invalidator.status().silentSenders()).isZero();
        assertThat(invalidator.status().gapsDetected()).as("it published nothing more: nothing was lost").isZero();
    }

    @Test
    void withBypassCacheASilentSenderBypassesTheCacheUntilItIsHeardAgain() {
        start(InvalidatorOptions.customTransportBuilder().whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        transport.deliver(message(1, Operation.key("a")));
        assertThat(invalidator.status().bypassingCache()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> invalidator.status().bypassingCache());
        transport.deliver(heartbeat(1));
        assertThat(invalidator.status().bypassingCache()).isFalse();
    }

    /** Issue 14, case 7: a 4-byte message with an unknown version cleared every cache, as often as it was sent. */
    @Test
    void clearsForMessagesOfAnUnknownVersionAreAtMostOneAtATime() {
        start();
        int before = local.clears.get();
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            transport.deliver(new byte[] {'W', 'F', 99, 0});
        }
        assertThat(invalidator.status().unknownVersionMessages()).isEqualTo(1_000);
        assertClearsMerged(before, start);
    }

    @Test
    void withoutAKeyAStrangersClearsAreMergedToo() {
        start();
        int before = local.clears.get();
        UUID stranger = UUID.randomUUID();
        long start = System.nanoTime();
        for (int i = 1; i <= 500; i++) {
            transport.deliver(new InvalidationMessage(stranger, 0, i, 0, List.of(Operation.clear())).encode());
        }
        // it leaves properly: its silence would be a possible loss, one clear more
        transport.deliver(InvalidationMessage.goodbye(stranger, 0, 500, 0).encode());
        assertThat(invalidator.status().messagesReceived()).isEqualTo(500);
        assertClearsMerged(before, start);
    }

    /**
     * One clear at once, the rest merged into one at the end of each interval (100 ms for this bound): however long
     * the flood took on this machine, at most one clear per interval, plus the last merged one.
     */
    private void assertClearsMerged(int before, long floodStart) {
        long floodMillis = (System.nanoTime() - floodStart) / 1_000_000;
        await().atMost(Duration.ofSeconds(5)).until(() -> local.clears.get() >= before + 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> !invalidator.status().toString().isEmpty());
        assertThat(local.clears.get() - before).isBetween(2, 2 + (int) (floodMillis / 100));
    }

    @Test
    void withAKeyWhatIsNotSignedWithItNeitherInvalidatesNorClears() {
        start(InvalidatorOptions.customTransportBuilder().messageAuthenticationKey(KEY));
        MessageSigner right = new MessageSigner(KEY);
        MessageSigner wrong = new MessageSigner("someone else's key, as long as it".getBytes(StandardCharsets.UTF_8));
        local.put("a", "v");
        int clears = local.clears.get();
        transport.deliver(message(1, Operation.key("a"), Operation.clear()));
        transport.deliver(wrong.sign(message(2, Operation.key("a"), Operation.clear())));
        transport.deliver(new byte[] {'W', 'F', 99, 0});
        transport.deliver(wrong.sign(new byte[] {'W', 'F', 99, 0}));
        byte[] tampered = right.sign(message(3, Operation.key("b")));
        tampered[tampered.length - 40] ^= 1;
        transport.deliver(tampered);
        assertThat(invalidator.status().unauthenticatedMessages()).isEqualTo(5);
        assertThat(local.has("a")).isTrue();
        assertThat(local.clears.get()).isEqualTo(clears);
        assertThat(invalidator.status().gapsDetected() + invalidator.status().unknownVersionMessages()
                + invalidator.status().malformedMessages()).isZero();
        transport.deliver(right.sign(message(4, Operation.key("a"))));
        assertThat(local.has("a")).as("a signed invalidation applies").isFalse();
        transport.deliver(right.sign(new byte[] {'W', 'F', 99, 0}));
        assertThat(invalidator.status().unknownVersionMessages()).as("a newer peer holding the key").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> local.clears.get() == clears + 1);
    }

    @Test
    void withAKeyItsOwnMessagesAreSigned() throws Exception {
        start(InvalidatorOptions.customTransportBuilder().messageAuthenticationKey(KEY));
        invalidator.invalidate("k");
        assertThat(transport.published()).extracting(InvalidationMessage::operations)
                .containsExactly(List.of(Operation.key("k")));
    }

    /** Issue 14, case 5: an update made while the transport was down took 5,002 ms. */
    @Test
    void whileTheTransportIsDownAnInvalidationAppliesLocallyAndReturnsAtOnce() throws Exception {
        start(InvalidatorOptions.customTransportBuilder().publishTimeout(Duration.ofSeconds(5)));
        local.put("k", "old");
        transport.up = false;
        long start = System.nanoTime();
        invalidator.invalidate("k");
        invalidator.invalidateDependency("d");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).isLessThan(1_000);
        assertThat(local.has("k")).isFalse();
        assertThat(invalidator.status().publishCircuit()).isEqualTo(InvalidatorStatus.PublishCircuit.OPEN);
        assertThat(invalidator.status().deferredInvalidations()).isEqualTo(2);
        transport.up = true;
        await().atMost(Duration.ofSeconds(5)).until(() -> !transport.published().isEmpty());
        assertThat(transport.published().get(0).operations()).as("one clear for what could not be sent")
                .containsExactly(Operation.clear());
    }

    @Test
    void anIdleInvalidatorSendsHeartbeatsAndSaysGoodbyeWhenItCloses() throws Exception {
        start();
        invalidator.invalidate("k");
        await().atMost(Duration.ofSeconds(5)).until(() -> invalidator.status().heartbeatsSent() >= 2);
        invalidator.close();
        List<InvalidationMessage> sent = transport.published();
        assertThat(sent.get(0).type()).isEqualTo(InvalidationMessage.Type.INVALIDATION);
        assertThat(sent.get(1).type()).isEqualTo(InvalidationMessage.Type.HEARTBEAT);
        assertThat(sent.get(1).sequence()).as("the number of its last message").isEqualTo(1);
        InvalidationMessage last = sent.get(sent.size() - 1);
        assertThat(last.type()).isEqualTo(InvalidationMessage.Type.GOODBYE);
        assertThat(last.sequence()).isEqualTo(1);
    }

    @Test
    void aPublishOnlyClientHeartbeatsAndSaysGoodbyeToo() throws Exception {
        InvalidationPublisher feed = CacheInvalidator.publisher(transport, InvalidatorOptions.customTransportBuilder()
                .heartbeatInterval(Duration.ofMillis(50)).build());
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.status().heartbeatsSent() >= 1);
        } finally {
            feed.close();
        }
        List<InvalidationMessage> sent = transport.published();
        assertThat(sent.get(0).type()).isEqualTo(InvalidationMessage.Type.HEARTBEAT);
        assertThat(sent.get(0).sequence()).isZero();
        assertThat(sent.get(sent.size() - 1).type()).isEqualTo(InvalidationMessage.Type.GOODBYE);
    }

    @Test
    void aHeartbeatIntervalTooLongForTheBoundIsAConfigurationError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InvalidatorOptions.customTransportBuilder()
                        .heartbeatInterval(Duration.ofSeconds(10)).build())
                .isInstanceOf(dev.weft.caching.CachingConfigurationException.class)
                .hasMessageContaining("heartbeatInterval").hasMessageContaining("maxStalenessWhileDisconnected");
        assertThat(InvalidatorOptions.customTransportBuilder().maxStalenessWhileDisconnected(Duration.ofSeconds(2))
                .build().heartbeatInterval()).as("the default adapts to a short bound")
                .isEqualTo(Duration.ofMillis(500));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InvalidatorOptions.customTransportBuilder()
                .messageAuthenticationKey(new byte[8])).hasMessageContaining("at least 16 bytes");
    }

    /**
     * The defaults are tuned for the numbers: a fleet of 200 quiet instances publishes fewer than 50 heartbeats a
     * second, and a silent peer is noticed within the bound (after half of it, plus at most a one-second check).
     */
    @Test
    void theDefaultsKeepA200InstanceFleetUnder50HeartbeatsASecondAndNoticeSilenceWithinTheBound() {
        InvalidatorOptions defaults = InvalidatorOptions.customTransportBuilder().build();
        double fleetPerSecond = 200 * 1_000.0 / defaults.heartbeatInterval().toMillis();
        assertThat(fleetPerSecond).isLessThan(50);
        Duration noticedWithin = defaults.maxStalenessWhileDisconnected().dividedBy(2).plusSeconds(1);
        assertThat(noticedWithin).isLessThan(defaults.maxStalenessWhileDisconnected());
    }

    @Test
    void aQuietInstancePublishesOneHeartbeatPerIntervalAndNoMore() throws Exception {
        invalidator = CacheInvalidator.create(local, transport, InvalidatorOptions.customTransportBuilder()
                .heartbeatInterval(Duration.ofMillis(50)).build());
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - start >= 500_000_000L);
        long heartbeats = invalidator.status().heartbeatsSent();
        assertThat(heartbeats).as("about one per 50 ms over 500 ms").isBetween(4L, 11L);
        invalidator.invalidate("k");
        long before = invalidator.status().heartbeatsSent();
        // an invalidation is its own proof of life: no heartbeat for an interval after it (one may have been on its
        // way already)
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).during(Duration.ofMillis(40))
                .atMost(Duration.ofSeconds(1)).until(() -> invalidator.status().heartbeatsSent() <= before + 1);
    }
}
