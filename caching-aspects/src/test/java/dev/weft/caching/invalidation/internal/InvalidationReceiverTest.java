package dev.weft.caching.invalidation.internal;

import ch.qos.logback.classic.Level;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.InvalidatorStatus.State;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.invalidation.ProblemLog;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What an {@link InvalidationReceiver} does with the transport's events and with time: the disconnected policies and
 * the staleness bound, waiting for the subscription, what each message does to the local cache, the counters and the
 * log, silent and forgotten senders, holes closed by the reorder window, and a full sender table.
 *
 * <p>The receiver runs with its real timer thread, but reads the time from a clock the test moves: the silence, forget
 * and staleness times are reached at once, and the timers' delays (computed from that clock) stay short. Its problem
 * log logs every occurrence (interval 0), so that each line the test expects is there.
 */
class InvalidationReceiverTest {

    private static final byte[] KEY = "the application's shared secret!".getBytes(StandardCharsets.UTF_8);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    /** The receiver's clock. */
    private final AtomicLong nanos = new AtomicLong(1_000 * SECOND);
    private final RecordingTarget target = new RecordingTarget();
    private final UUID peer = new UUID(0x9ee5, 1);
    private final long peerStart = System.currentTimeMillis() - 60_000;
    private InvalidatorRuntime runtime;
    private InvalidationReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
            runtime.timers.shutdownNow();
        }
    }

    private static InvalidatorOptions.GenericBuilder bound(Duration maxStaleness) {
        return InvalidatorOptions.customTransportBuilder().maxStalenessWhileDisconnected(maxStaleness)
                .reorderWindow(Duration.ZERO);
    }

    /** A started receiver, not subscribed yet. */
    private InvalidationReceiver started(InvalidatorOptions.GenericBuilder builder) {
        InvalidatorOptions options = builder.build();
        runtime = new InvalidatorRuntime(new ReceivePathModelCheckTest.NoTransport(), options, true,
                new ProblemLog(LoggerFactory.getLogger("dev.weft.caching.invalidation"), 0));
        receiver = new InvalidationReceiver(runtime, options, target, nanos::get);
        receiver.start();
        return receiver;
    }

    private InvalidationReceiver subscribed(InvalidatorOptions.GenericBuilder builder) {
        started(builder).onSubscribed();
        return receiver;
    }

    private InvalidatorStatus status() {
        return receiver.status();
    }

    private byte[] message(long sequence, Operation... ops) {
        return new InvalidationMessage(peer, peerStart, sequence, System.currentTimeMillis(), List.of(ops)).encode();
    }

    private byte[] heartbeat(long last) {
        return InvalidationMessage.heartbeat(peer, peerStart, last, System.currentTimeMillis()).encode();
    }

    private void deliver(byte[] bytes) {
        receiver.onMessage(bytes);
    }

    /** The lines of {@code level} that contain {@code text}. */
    private List<String> lines(Level level, String text) {
        return log.lines().stream().filter(l -> l.level() == level && l.text().contains(text))
                .map(LogRecorder.Line::text).toList();
    }

    // ---- before the first subscription, disconnections, resubscriptions ----------------------------------------

    @Test
    void beforeTheFirstSubscriptionBypassCacheBypassesTheCache() {
        started(bound(Duration.ofSeconds(4)).whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        assertThat(receiver.state()).isEqualTo(State.CONNECTING);
        assertThat(receiver.bypass()).isTrue();
        receiver.onSubscribed();
        assertThat(receiver.state()).isEqualTo(State.CONNECTED);
        assertThat(receiver.bypass()).isFalse();
    }

    @Test
    void withServeLocalAnInstanceNeverSubscribedServesItsEntriesForTheBoundThenBypassesTheCache() {
        started(bound(Duration.ofMillis(200)));
        assertThat(receiver.bypass()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(receiver::bypass);
        assertThat(lines(Level.WARN, "nothing received for PT0.2S; bypassing the cache until the subscription is "
                + "back")).hasSize(1);
        receiver.onSubscribed();
        assertThat(receiver.bypass()).isFalse();
    }

    /**
     * The bound counts from the last delivery, and the timer fires one check period early (here a quarter second): 3 s
     * of a 4 s bound went by without a message when the connection is lost, so local entries are served for about
     * three quarters of a second more, not less, and not past the bound.
     */
    @Test
    void aDisconnectedInstanceWithServeLocalServesItsEntriesForTheRestOfTheBoundThenBypasses() {
        subscribed(bound(Duration.ofSeconds(4)).heartbeatInterval(Duration.ofSeconds(1)));
        nanos.addAndGet(3 * SECOND);
        long disconnected = System.nanoTime();
        receiver.onDisconnected("connection reset");
        receiver.onDisconnected("reported twice");
        assertThat(receiver.state()).isEqualTo(State.DISCONNECTED);
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5)).until(receiver::bypass);
        long served = System.nanoTime() - disconnected;
        assertThat(served).isBetween(740 * MS, 1_000 * MS);
        assertThat(lines(Level.WARN, "lost the subscription to model")).containsExactly(runtimeName()
                + " lost the subscription to model (connection reset); serving local entries for at most PT4S, then "
                + "bypassing the cache until it is back");
        assertThat(lines(Level.WARN, "nothing received for PT4S; bypassing the cache")).hasSize(1);
    }

    private String runtimeName() {
        return "[" + runtime.name + "]";
    }

    @Test
    void aDisconnectedInstanceWithBypassCacheBypassesAtOnceAndAResubscriptionClearsAndServesAgain() {
        subscribed(bound(Duration.ofSeconds(4)).whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        int clears = target.clears();
        receiver.onDisconnected("connection reset");
        assertThat(receiver.state()).isEqualTo(State.DISCONNECTED);
        assertThat(receiver.bypass()).isTrue();
        assertThat(lines(Level.WARN, "lost the subscription")).containsExactly(runtimeName()
                + " lost the subscription to model (connection reset); bypassing the cache until it is back");
        receiver.onSubscribed();
        assertThat(target.clears()).as("what was missed meanwhile goes with the cache").isEqualTo(clears + 1);
        assertThat(receiver.bypass()).isFalse();
        assertThat(receiver.state()).isEqualTo(State.CONNECTED);
        assertThat(status().subscriptions()).isEqualTo(2);
        assertThat(lines(Level.INFO, "subscribed to model")).containsExactly(runtimeName() + " subscribed to model",
                runtimeName() + " resubscribed to model; cleared the local cache, serving it again");
    }

    @Test
    void aResubscriptionForgetsEverySender() {
        subscribed(bound(Duration.ofSeconds(4)));
        deliver(message(1, Operation.key("a")));
        deliver(message(2, Operation.key("b")));
        assertThat(status().knownSenders()).isEqualTo(1);
        receiver.onSubscribed();
        assertThat(status().knownSenders()).isZero();
        deliver(message(5, Operation.key("e")));
        assertThat(status().gapsDetected()).as("what it sent meanwhile went with the cleared cache").isZero();
    }

    // ---- awaitConnected and close ---------------------------------------------------------------------------------

    private CompletableFuture<Boolean> waiting(Duration timeout) {
        CompletableFuture<Boolean> connected = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                connected.complete(receiver.awaitConnected(timeout));
            } catch (Throwable e) {
                connected.completeExceptionally(e);
            }
        }, "awaitConnected");
        waiter.setDaemon(true);
        waiter.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
        return connected;
    }

    @Test
    void awaitConnectedReturnsAsSoonAsTheSubscriptionComes() throws Exception {
        started(bound(Duration.ofSeconds(4)));
        CompletableFuture<Boolean> connected = waiting(Duration.ofSeconds(30));
        assertThat(connected).isNotDone();
        receiver.onSubscribed();
        assertThat(connected.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(receiver.awaitConnected(Duration.ZERO)).as("subscribed: at once").isTrue();
    }

    @Test
    void awaitConnectedGivesUpAfterItsTimeout() {
        started(bound(Duration.ofSeconds(4)));
        long start = System.nanoTime();
        boolean connected = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> receiver.awaitConnected(Duration.ofMillis(100)));
        assertThat(connected).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(100 * MS);
    }

    @Test
    void closingWakesWhoeverAwaitsTheSubscriptionAndLaterTransportEventsChangeNothing() throws Exception {
        started(bound(Duration.ofSeconds(4)));
        CompletableFuture<Boolean> connected = waiting(Duration.ofSeconds(30));
        receiver.close();
        assertThat(connected.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(receiver.state()).isEqualTo(State.CLOSED);
        receiver.onSubscribed();
        receiver.onDisconnected("late");
        assertThat(receiver.state()).isEqualTo(State.CLOSED);
        assertThat(target.clears()).isZero();
        assertThat(status().subscriptions()).isZero();
    }

    /**
     * After close, a message the transport still delivers (its thread may be mid-delivery while the invalidator
     * closes) changes nothing: no invalidation, no clear, no counter, no sender tracked. Fails without the fix: the
     * closed receiver applied the invalidations, asked for the peer's clear and counted the message.
     */
    @Test
    void aMessageDeliveredAfterCloseChangesNothing() {
        subscribed(bound(Duration.ofSeconds(4)));
        deliver(message(1, Operation.key("before")));
        int clears = target.clears();
        InvalidatorStatus before = status();
        receiver.close();
        deliver(message(2, Operation.key("after"), Operation.dependency("d"), Operation.clear()));
        deliver(message(9, Operation.key("after a gap")));
        deliver(heartbeat(12));
        deliver(new byte[] {'W', 'F', 99, 0});
        assertThat(target.keys).containsExactly("before");
        assertThat(target.dependencies).isEmpty();
        assertThat(target.clears()).isEqualTo(clears);
        InvalidatorStatus after = status();
        assertThat(after.messagesReceived()).isEqualTo(before.messagesReceived()).isEqualTo(1);
        assertThat(after.operationsApplied()).isEqualTo(before.operationsApplied());
        assertThat(after.gapsDetected()).isZero();
        assertThat(after.heartbeatsReceived()).isZero();
        assertThat(after.unknownVersionMessages()).isZero();
        assertThat(after.knownSenders()).isEqualTo(before.knownSenders());
        assertThat(runtime.counters.remoteClears.sum() + runtime.counters.remoteClearsCoalesced.sum()).isZero();
    }

    // ---- what a message does --------------------------------------------------------------------------------------

    @Test
    void everyOperationIsAppliedAndCountedAndTheMessagesLatencyReported() {
        subscribed(bound(Duration.ofSeconds(4)));
        List<Long> latencies = new CopyOnWriteArrayList<>();
        runtime.setLatencyListener(latencies::add);
        long sentAt = System.currentTimeMillis() - 5_000;
        deliver(new InvalidationMessage(peer, peerStart, 1, sentAt,
                List.of(Operation.key("k1"), Operation.dependency("d"), Operation.key("k2"))).encode());
        assertThat(target.keys).containsExactly("k1", "k2");
        assertThat(target.dependencies).containsExactly("d");
        assertThat(status().messagesReceived()).isEqualTo(1);
        assertThat(status().operationsApplied()).isEqualTo(3);
        assertThat(status().lastMessageReceived()).isNotNull();
        assertThat(latencies).singleElement().satisfies(millis -> assertThat(millis).isBetween(5_000L, 65_000L));
    }

    @Test
    void itsOwnInvalidationsAreCountedAndIgnoredAndItsOwnHeartbeatsOnlyIgnored() {
        subscribed(bound(Duration.ofSeconds(4)));
        UUID self = runtime.instanceUuid;
        long now = System.currentTimeMillis();
        deliver(new InvalidationMessage(self, runtime.startMillis, 1, now, List.of(Operation.key("mine"))).encode());
        deliver(new InvalidationMessage(self, runtime.startMillis, 2, now, List.of(Operation.clear())).encode());
        deliver(InvalidationMessage.heartbeat(self, runtime.startMillis, 2, now).encode());
        assertThat(target.keys).isEmpty();
        assertThat(target.clears()).as("the subscription's only").isEqualTo(1);
        assertThat(status().ownMessagesIgnored()).as("pairs with messagesSent, which counts no heartbeat")
                .isEqualTo(2);
        assertThat(status().heartbeatsReceived()).isZero();
        assertThat(status().knownSenders()).isZero();
    }

    @Test
    void aReplayIsCountedAsADuplicateAndNothingElseIs() {
        subscribed(bound(Duration.ofSeconds(4)));
        deliver(message(1, Operation.key("a")));
        deliver(message(2, Operation.key("b")));
        deliver(message(3, Operation.key("c")));
        deliver(message(2, Operation.key("b")));
        assertThat(status().duplicateMessages()).isEqualTo(1);
        assertThat(target.keys).containsExactly("a", "b", "c", "b");
    }

    /** The local cache failing to apply an invalidation is counted and logged; the next message applies. */
    @Test
    void aMessageTheLocalCacheFailsToApplyIsCountedAndLoggedAndTheNextOneApplies() {
        subscribed(bound(Duration.ofSeconds(4)));
        target.failOn = "broken";
        deliver(message(1, Operation.key("broken")));
        deliver(message(2, Operation.key("k")));
        assertThat(status().malformedMessages()).isEqualTo(1);
        assertThat(lines(Level.ERROR, "failed to apply an invalidation message")).singleElement().asString()
                .contains("IllegalStateException: the local cache is broken").endsWith("; it is ignored");
        assertThat(target.keys).endsWith("k");
    }

    @Test
    void unsignedUnknownAndMalformedMessagesAreCountedAndLogged() {
        subscribed(bound(Duration.ofSeconds(4)).messageAuthenticationKey(KEY));
        MessageSigner signer = new MessageSigner(KEY);
        byte[] unsigned = message(1, Operation.key("a"));
        deliver(unsigned);
        deliver(signer.sign(new byte[] {'W', 'F', 99, 0}));
        byte[] truncated = signer.sign(Arrays.copyOf(message(2, Operation.key("b")), 20));
        deliver(truncated);
        assertThat(status().unauthenticatedMessages()).isEqualTo(1);
        assertThat(status().unknownVersionMessages()).isEqualTo(1);
        assertThat(status().malformedMessages()).isEqualTo(1);
        assertThat(target.keys).isEmpty();
        assertThat(target.clears()).as("the subscription's, and the unknown version's").isEqualTo(2);
        assertThat(lines(Level.WARN, "rejected a message of " + unsigned.length + " bytes not signed with this "
                + "application's messageAuthenticationKey")).hasSize(1);
        assertThat(lines(Level.ERROR, "received an invalidation message of")).singleElement().asString()
                .contains("clearing the local cache rather than guessing what it invalidated");
        assertThat(lines(Level.WARN, "ignored a malformed invalidation message (" + truncated.length + " bytes)"))
                .hasSize(1);
    }

    @Test
    void lostMessagesClearTheCacheAndAreLogged() {
        subscribed(bound(Duration.ofSeconds(4)));
        deliver(message(1, Operation.key("a")));
        int clears = target.clears();
        deliver(message(4, Operation.key("d")));
        assertThat(target.clears()).isEqualTo(clears + 1);
        assertThat(status().gapsDetected()).isEqualTo(1);
        assertThat(status().messagesLost()).isEqualTo(2);
        assertThat(lines(Level.WARN, "lost")).containsExactly(runtimeName() + " 2 invalidation message(s) from "
                + "another instance were lost (" + peer + " #2..3); cleared the local cache");
    }

    /**
     * A forward jump confirmed by the sender's next heartbeat costs one loss and one clear: a late copy of a skipped
     * message is applied and counted as a duplicate, and clears nothing more. Fails without the fix in
     * {@link SequenceTracker}: the late copy was reported lost again (a second gap, a second clear), then the next
     * message a third time.
     */
    @Test
    void aLateCopyOfAMessageSkippedByAConfirmedForwardJumpClearsNothingMore() {
        subscribed(bound(Duration.ofSeconds(4)));
        long sentAt = System.currentTimeMillis();
        deliver(new InvalidationMessage(peer, peerStart, 1, sentAt, List.of(Operation.key("a"))).encode());
        deliver(new InvalidationMessage(peer, peerStart, 100, sentAt + 1, List.of(Operation.key("j"))).encode());
        deliver(InvalidationMessage.heartbeat(peer, peerStart, 100, sentAt + 2).encode());
        long clearsRequested = runtime.counters.remoteClears.sum() + runtime.counters.remoteClearsCoalesced.sum();
        assertThat(status().gapsDetected()).isEqualTo(1);
        assertThat(status().messagesLost()).isEqualTo(98);
        deliver(new InvalidationMessage(peer, peerStart, 50, sentAt, List.of(Operation.key("late"))).encode());
        deliver(new InvalidationMessage(peer, peerStart, 101, sentAt + 3, List.of(Operation.key("next"))).encode());
        assertThat(target.keys).containsExactly("a", "j", "late", "next");
        assertThat(status().duplicateMessages()).isEqualTo(1);
        assertThat(status().gapsDetected()).isEqualTo(1);
        assertThat(status().messagesLost()).isEqualTo(98);
        assertThat(runtime.counters.remoteClears.sum() + runtime.counters.remoteClearsCoalesced.sum())
                .as("no clear asked for after the jump's").isEqualTo(clearsRequested);
    }

    @Test
    void withLogOnlyLostMessagesAreLoggedAndCountedButNotCleared() {
        subscribed(bound(Duration.ofSeconds(4)).onMessageLoss(OnMessageLoss.LOG_ONLY));
        deliver(message(1, Operation.key("a")));
        int clears = target.clears();
        deliver(message(4, Operation.key("d")));
        assertThat(target.clears()).isEqualTo(clears);
        assertThat(status().messagesLost()).isEqualTo(2);
        assertThat(lines(Level.WARN, "lost")).containsExactly(runtimeName() + " 2 invalidation message(s) from "
                + "another instance were lost (" + peer + " #2..3); entries they invalidated may be stale until they "
                + "expire (onMessageLoss = LOG_ONLY)");
    }

    /** Clears from outside are merged into at most one per min(1 s, bound / 8): 200 ms for a 1.6 s bound. */
    @Test
    void aPeersClearsAreMergedIntoOnePerEighthOfTheBound() {
        subscribed(bound(Duration.ofMillis(1_600)));
        int before = target.clears();
        deliver(message(1, Operation.clear()));
        deliver(message(2, Operation.clear()));
        await().atMost(Duration.ofSeconds(5)).until(() -> target.clears() == before + 2);
        long between = target.clearedAt.get(before + 1) - target.clearedAt.get(before);
        assertThat(between).isBetween(190 * MS, 600 * MS);
    }

    // ---- silent and forgotten senders ------------------------------------------------------------------------------

    /**
     * Issue 14, cases 3 and 4, in the receiver's time: a sender unheard for more than half the bound is a possible
     * loss (one clear at once), then the cache is cleared every half bound, measured from the last clear, until the
     * sender is heard again.
     */
    @Test
    void aSilentSenderClearsTheCacheAtOnceThenEveryHalfBoundUntilItIsHeardAgain() {
        subscribed(bound(Duration.ofMillis(1_600)).heartbeatInterval(Duration.ofMillis(10)));
        deliver(message(1, Operation.key("a")));
        deliver(message(2, Operation.key("b")));
        int clears = target.clears();
        nanos.addAndGet(800 * MS + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> status().sendersFallenSilent() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.clears() == clears + 1);
        assertThat(lines(Level.WARN, "fell silent")).containsExactly(runtimeName() + " " + peer + " fell silent: "
                + "nothing from it for PT0.8S and no goodbye (a crash, or its own connection cut while it may keep "
                + "writing); treating it as a possible loss, clearing the local cache every PT0.8S while it stays "
                + "silent");
        assertThat(receiver.bypass()).isFalse();

        nanos.addAndGet(800 * MS - 1);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5))
                .until(() -> target.clears() == clears + 1);
        nanos.addAndGet(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.clears() == clears + 2);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5))
                .until(() -> target.clears() == clears + 2);

        deliver(heartbeat(2));
        assertThat(status().silentSenders()).isZero();
        assertThat(lines(Level.INFO, "is heard again")).containsExactly(runtimeName() + " " + peer
                + " is heard again");
        nanos.addAndGet(800 * MS);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5))
                .until(() -> target.clears() == clears + 2);
        assertThat(lines(Level.INFO, "forgot")).isEmpty();
    }

    /**
     * With BYPASS_CACHE the cache is bypassed as soon as a sender falls silent, in the check that notices it, and
     * served again as soon as the sender is forgotten; with LOG_ONLY the possible loss clears nothing. The check runs
     * every half second here (an 8 s bound), so "as soon as" is well apart from "at the next check".
     */
    @Test
    void withBypassCacheASilentSenderBypassesTheCacheUntilItIsForgotten() {
        subscribed(bound(Duration.ofSeconds(8)).heartbeatInterval(Duration.ofSeconds(2))
                .whileDisconnected(WhileDisconnected.BYPASS_CACHE).onMessageLoss(OnMessageLoss.LOG_ONLY));
        deliver(message(1, Operation.key("a")));
        int clears = target.clears();
        nanos.addAndGet(4 * SECOND + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !lines(Level.WARN, "fell silent").isEmpty());
        await().atMost(Duration.ofMillis(200)).until(receiver::bypass);
        assertThat(target.clears()).isEqualTo(clears);
        assertThat(lines(Level.WARN, "fell silent")).singleElement().asString()
                .endsWith("treating it as a possible loss, bypassing the cache while it stays silent");

        nanos.addAndGet(TimeUnit.MINUTES.toNanos(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> !lines(Level.INFO, "forgot").isEmpty());
        await().atMost(Duration.ofMillis(200)).until(() -> !receiver.bypass());
        assertThat(lines(Level.INFO, "forgot")).containsExactly(runtimeName()
                + " forgot 1 sender(s) silent for a long time");
        assertThat(status().knownSenders()).isZero();
    }

    /** A silent sender is remembered for the longer of 5 minutes and ten bounds: 10 minutes for a 60 s bound. */
    @Test
    void aSilentSenderIsForgottenAfterTenBoundsWhenThatIsLongerThanFiveMinutes() {
        subscribed(bound(Duration.ofSeconds(60)).heartbeatInterval(Duration.ofMillis(10)));
        long heard = nanos.get();
        deliver(message(1, Operation.key("a")));
        nanos.set(heard + 30 * SECOND + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> status().silentSenders() == 1);
        // a second sender, whose silence shows when a check ran at the time set below
        nanos.set(heard + 369 * SECOND);
        deliver(new InvalidationMessage(new UUID(0x9ee5, 2), peerStart, 1, System.currentTimeMillis(),
                List.of(Operation.key("b"))).encode());
        nanos.set(heard + 400 * SECOND);
        await().atMost(Duration.ofSeconds(5)).until(() -> status().sendersFallenSilent() == 2);
        assertThat(status().knownSenders()).as("silent for 400 s: remembered").isEqualTo(2);
        nanos.set(heard + 600 * SECOND + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> status().knownSenders() == 1);
    }

    /**
     * The sender table is full (10,000 senders) while the only silent sender makes the cache bypassed: the new sender
     * evicts it, which is one clear, and with nobody silent any more the cache is served again. It used to stay
     * bypassed until some sender fell silent or returned, or the transport resubscribed (silent senders: 0, bypassing:
     * true). Fails without the fix (InvalidationReceiver.receive recomputes the bypass after an overflow).
     */
    @Test
    void aFullSenderTableEvictsTheSilentSenderClearsOnceAndEndsItsBypass() {
        subscribed(bound(Duration.ofMillis(1_600)).heartbeatInterval(Duration.ofMillis(10))
                .whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        deliver(message(1, Operation.key("a")));
        nanos.addAndGet(800 * MS + 1);
        await().atMost(Duration.ofSeconds(5)).until(receiver::bypass);
        int clears = target.clears();
        for (int i = 0; i < InvalidationReceiver.MAX_SENDERS; i++) {
            deliver(new InvalidationMessage(new UUID(0x7a5c, i), 0, 1, 0, List.of(Operation.key("t"))).encode());
        }
        assertThat(status().trackerOverflows()).isEqualTo(1);
        assertThat(target.clears()).isEqualTo(clears + 1);
        assertThat(lines(Level.ERROR, "more than 10000 senders; forgot the silent ones")).hasSize(1);
        assertThat(status().silentSenders()).isZero();
        assertThat(receiver.bypass()).isFalse();
    }

    // ---- holes and the reorder window ---------------------------------------------------------------------------

    /**
     * A hole is a loss when its reorder window closes, by a timer set for that moment, not at the next periodic check
     * (every second with a 16 s bound): two holes whose windows close 100 ms apart are both noticed well within the
     * first second.
     */
    @Test
    void eachHoleIsALossAsSoonAsItsReorderWindowCloses() {
        subscribed(bound(Duration.ofSeconds(16)).heartbeatInterval(Duration.ofSeconds(4))
                .reorderWindow(Duration.ofMillis(200)));
        long started = System.nanoTime();
        long first = nanos.get();
        deliver(message(1, Operation.key("a")));
        deliver(message(3, Operation.key("c")));
        nanos.set(first + 100 * MS);
        deliver(message(5, Operation.key("e")));
        nanos.set(first + 200 * MS);
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5))
                .until(() -> status().gapsDetected() == 1);
        nanos.set(first + 300 * MS);
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5))
                .until(() -> status().gapsDetected() == 2);
        assertThat(System.nanoTime() - started).isLessThan(900 * MS);
        assertThat(status().messagesLost()).isEqualTo(2);
        assertThat(status().malformedMessages()).isZero();
        assertThat(lines(Level.WARN, "were lost")).hasSize(2).allMatch(l -> l.contains("cleared the local cache"));
    }

    /** The local cache: what it was told, and when it was cleared. */
    static final class RecordingTarget implements InvalidationReceiver.Target {
        final List<String> keys = Collections.synchronizedList(new ArrayList<>());
        final List<String> dependencies = Collections.synchronizedList(new ArrayList<>());
        /** System.nanoTime() of every clear. */
        final List<Long> clearedAt = new CopyOnWriteArrayList<>();
        volatile String failOn;

        @Override
        public void invalidate(String key) {
            if (key.equals(failOn)) {
                throw new IllegalStateException("the local cache is broken");
            }
            keys.add(key);
        }

        @Override
        public void invalidateDependency(String dependency) {
            dependencies.add(dependency);
        }

        @Override
        public void clear() {
            clearedAt.add(System.nanoTime());
        }

        int clears() {
            return clearedAt.size();
        }
    }
}
