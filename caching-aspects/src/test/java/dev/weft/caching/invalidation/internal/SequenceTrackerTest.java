package dev.weft.caching.invalidation.internal;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loss detection: in order, duplicates, gaps, reordering within the window, new and restarted senders, heartbeats
 * and goodbyes, silence, forward jumps that heal, and a bounded number of senders.
 */
class SequenceTrackerTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static final long SUBSCRIBED = 1_000_000L;
    private static final long WINDOW = 1_000_000_000L;
    private static final long SILENCE = 15_000_000_000L;
    private static final long FORGET = 300_000_000_000L;

    private long now = 5_000_000_000L;
    /** The sender's clock, advanced by every message it sends. */
    private long sentAt = 1_000;

    private static SequenceTracker tracker(long window) {
        return new SequenceTracker(window, SILENCE, FORGET, 10_000);
    }

    private SequenceTracker.Verdict message(SequenceTracker t, UUID sender, long sequence) {
        return t.invalidation(sender, SUBSCRIBED - 60_000, sequence, sentAt++, now, SUBSCRIBED);
    }

    private SequenceTracker.Verdict heartbeat(SequenceTracker t, UUID sender, long last) {
        return t.heartbeat(sender, SUBSCRIBED - 60_000, last, sentAt++, now, SUBSCRIBED);
    }

    private SequenceTracker.Verdict goodbye(SequenceTracker t, UUID sender, long last) {
        return t.goodbye(sender, SUBSCRIBED - 60_000, last, sentAt++, now, SUBSCRIBED);
    }

    @Test
    void messagesInOrderAreAcceptedWithoutLoss() {
        SequenceTracker t = tracker(0);
        for (long s = 1; s <= 100; s++) {
            SequenceTracker.Verdict v = message(t, A, s);
            assertThat(v.duplicate()).isFalse();
            assertThat(v.lost()).isZero();
        }
    }

    @Test
    void aSenderSeenFirstInTheMiddleOfItsSequenceIsNotAFalseAlarm() {
        SequenceTracker t = tracker(0);
        assertThat(message(t, A, 5000).lost()).isZero();
        assertThat(message(t, A, 5001).lost()).isZero();
        assertThat(heartbeat(t, B, 77).lost()).as("a heartbeat first, too").isZero();
        assertThat(message(t, B, 78).lost()).isZero();
    }

    @Test
    void aRestartedSenderHasANewIdAndStartsAtOneWithoutAlarm() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, A, 2);
        assertThat(t.invalidation(B, SUBSCRIBED + 600_000, 1, sentAt, now, SUBSCRIBED).lost()).isZero();
    }

    @Test
    void aNewSenderThatStartedAfterWeSubscribedButBeginsAbove1LostItsFirstMessages() {
        SequenceTracker t = tracker(0);
        SequenceTracker.Verdict v = t.invalidation(B, SUBSCRIBED + 60_000, 3, sentAt, now, SUBSCRIBED);
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.lostDescription()).isEqualTo(B + " #1..2");
        SequenceTracker.Verdict h = t.heartbeat(A, SUBSCRIBED + 60_000, 1, sentAt, now, SUBSCRIBED);
        assertThat(h.lost()).as("a new sender's first heartbeat says it published #1").isEqualTo(1);
    }

    @Test
    void aSkippedNumberIsALossAtOnceWithoutAReorderWindow() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        SequenceTracker.Verdict v = message(t, A, 4);
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.lostDescription()).isEqualTo(A + " #2..3");
    }

    @Test
    void aReplayedOldMessageIsADuplicateNotAGap() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, A, 2);
        message(t, A, 3);
        assertThat(message(t, A, 2).duplicate()).isTrue();
        assertThat(message(t, A, 3).duplicate()).isTrue();
        assertThat(message(t, A, 4).lost()).isZero();
    }

    @Test
    void reorderingWithinTheWindowIsTolerated() {
        SequenceTracker t = tracker(WINDOW);
        message(t, A, 1);
        assertThat(message(t, A, 3).lost()).isZero();
        assertThat(message(t, A, 2).duplicate()).isFalse();
        now += 2 * WINDOW;
        assertThat(t.expire(now).lost()).isZero();
        assertThat(message(t, A, 2).duplicate()).isTrue();
    }

    @Test
    void aHoleNotFilledWhenTheWindowClosesIsALoss() {
        SequenceTracker t = tracker(WINDOW);
        message(t, A, 1);
        message(t, A, 5);
        message(t, A, 3);
        assertThat(t.nextDeadline()).isEqualTo(now + WINDOW);
        now += WINDOW / 2;
        assertThat(t.expire(now).lost()).isZero();
        now += WINDOW;
        SequenceTracker.Expired expired = t.expire(now);
        assertThat(expired.lost()).isEqualTo(2);
        assertThat(expired.lostDescription()).contains(A + " #2").contains("#4");
        assertThat(t.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    /** Issue 14, case 3: without heartbeats, a sender that stops after a lost message leaves the loss unseen. */
    @Test
    void aHeartbeatShowsThatTheSendersLastMessagesWereLost() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, A, 2);
        // #3 and #4 were lost, and A published nothing since
        SequenceTracker.Verdict v = heartbeat(t, A, 4);
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.lostDescription()).isEqualTo(A + " #3..4");
        assertThat(heartbeat(t, A, 4).lost()).as("the next heartbeat finds nothing more").isZero();
        assertThat(message(t, A, 5).lost()).isZero();
    }

    @Test
    void aHeartbeatOvertakenByALaterMessageIsNoAlarm() {
        SequenceTracker t = tracker(WINDOW);
        message(t, A, 1);
        long heartbeatSentAt = sentAt++;
        message(t, A, 2);
        message(t, A, 3);
        SequenceTracker.Verdict late = t.heartbeat(A, SUBSCRIBED - 60_000, 1, heartbeatSentAt, now, SUBSCRIBED);
        assertThat(late.lost()).isZero();
        assertThat(message(t, A, 4).lost()).as("the expectation did not move back").isZero();
        now += 2 * WINDOW;
        assertThat(t.expire(now).lost()).isZero();
    }

    @Test
    void aGoodbyeShowsTheLastMessagesLostThenTheSenderIsForgotten() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        SequenceTracker.Verdict v = goodbye(t, A, 3);
        assertThat(v.lost()).isEqualTo(2);
        assertThat(t.senderCount()).isZero();
        now += 2 * FORGET;
        assertThat(t.expire(now).newlySilent()).as("a sender that said goodbye never falls silent").isEmpty();
    }

    /** Without a key a stranger can forge a goodbye; that must not stop the tracking of a live sender. */
    @Test
    void aSenderHeardAfterItsGoodbyeIsResumedInPlace() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, A, 2);
        goodbye(t, A, 2);
        assertThat(message(t, A, 3).lost()).as("resumed after #2").isZero();
        assertThat(message(t, A, 5).lost()).as("and its gaps still show").isEqualTo(1);
        goodbye(t, B, 0);
        assertThat(heartbeat(t, B, 2).lost()).as("a heartbeat past the goodbye's number").isEqualTo(2);
    }

    /**
     * Issue 14, case 1: one message far ahead with a real sender's id used to move the expected number past it, so
     * that the real sender's later invalidations were dropped as duplicates. Now the jump is one loss, and the real
     * stream, when it shows up inside the jumped numbers, is followed again: its later losses still show.
     */
    @Test
    void aForwardJumpIsOneLossAndTheRealStreamIsFollowedAgain() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, A, 2);
        SequenceTracker.Verdict jump = message(t, A, 1_000_000);
        assertThat(jump.lost()).isEqualTo(999_997);
        SequenceTracker.Verdict real = message(t, A, 3);
        assertThat(real.lost()).isZero();
        assertThat(real.duplicate()).as("the real #3 was never seen").isFalse();
        assertThat(message(t, A, 4).lost()).isZero();
        assertThat(message(t, A, 6).lost()).as("a real loss after the jump is detected").isEqualTo(1);
        assertThat(heartbeat(t, A, 6).lost()).isZero();
    }

    @Test
    void aForwardJumpFollowedByARealLossCountsTheSkippedNumbersAgain() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, A, 1_000);
        // the real #2 was published after the jump's clear and lost: #3 arrives
        SequenceTracker.Verdict v = message(t, A, 3);
        assertThat(v.lost()).isEqualTo(1);
        assertThat(v.lostDescription()).isEqualTo(A + " #2");
    }

    @Test
    void aHeartbeatSentAfterAForwardJumpBringsTheExpectationBack() {
        SequenceTracker t = tracker(WINDOW);
        message(t, A, 1);
        message(t, A, 2);
        message(t, A, 5_000);
        // the real sender published nothing since #2, and says so
        SequenceTracker.Verdict h = heartbeat(t, A, 2);
        assertThat(h.lost()).isZero();
        now += 2 * WINDOW;
        assertThat(t.expire(now).lost()).as("the jump's hole was dropped, not declared lost").isZero();
        assertThat(message(t, A, 3).lost()).isZero();
        assertThat(message(t, A, 3).duplicate()).isTrue();
    }

    @Test
    void aJumpWithAFutureSendTimeCannotBlockHealingByTheRealStream() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        t.invalidation(A, SUBSCRIBED - 60_000, 9_999, Long.MAX_VALUE, now, SUBSCRIBED);
        assertThat(heartbeat(t, A, 1).lost()).as("the heartbeat cannot tell, so it changes nothing").isZero();
        assertThat(message(t, A, 2).lost()).as("the real #2 is inside the jump: followed").isZero();
        assertThat(message(t, A, 4).lost()).isEqualTo(1);
    }

    /** Issue 14, cases 3 and 4: a sender that stops without a goodbye may have lost its last message. */
    @Test
    void aKnownSenderUnheardForTheSilenceTimeoutFallsSilentThenIsBackWhenHeard() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        message(t, B, 1);
        now += SILENCE / 2;
        heartbeat(t, B, 1);
        now += SILENCE / 2 + 1;
        SequenceTracker.Expired e = t.expire(now);
        assertThat(e.newlySilent()).containsExactly(A);
        assertThat(t.silentCount()).isEqualTo(1);
        assertThat(t.expire(now).newlySilent()).as("reported once").isEmpty();
        SequenceTracker.Verdict back = heartbeat(t, A, 1);
        assertThat(back.returned()).isTrue();
        assertThat(back.lost()).isZero();
        assertThat(t.silentCount()).isZero();
    }

    @Test
    void aSilentSenderIsForgottenAfterTheForgetTime() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        now += SILENCE + 1;
        t.expire(now);
        now += FORGET;
        SequenceTracker.Expired e = t.expire(now);
        assertThat(e.forgotten()).isEqualTo(1);
        assertThat(t.senderCount()).isZero();
        assertThat(t.silentCount()).isZero();
    }

    /**
     * Issue 14, case 2: senders used to be forgotten only while holes were timed, never with a zero window; a
     * publish-only client per task grew every receiver's heap forever. Goodbyes, silence and a cap bound it now.
     */
    @Test
    void theNumberOfSendersIsBoundedWhateverTheyDo() {
        SequenceTracker t = new SequenceTracker(0, SILENCE, FORGET, 1_000);
        for (int i = 0; i < 50_000; i++) {
            UUID task = new UUID(7, i);
            message(t, task, 1);
            goodbye(t, task, 1);
        }
        assertThat(t.senderCount()).as("senders that said goodbye").isZero();
        int overflows = 0;
        for (int i = 0; i < 50_000; i++) {
            if (message(t, new UUID(8, i), 1).overflow()) {
                overflows++;
            }
            now += 1_000;
        }
        assertThat(t.senderCount()).as("senders that never said goodbye").isLessThanOrEqualTo(1_000);
        assertThat(overflows).as("each overflow makes the receiver clear").isPositive();
        now += FORGET + SILENCE + 2;
        t.expire(now);
        t.expire(now + FORGET + 1);
        assertThat(t.senderCount()).as("all silent, then forgotten").isZero();
    }

    @Test
    void anOverflowForgetsTheSilentSendersFirst() {
        SequenceTracker t = new SequenceTracker(0, SILENCE, FORGET, 3);
        message(t, A, 1);
        now += SILENCE + 1;
        t.expire(now);
        message(t, B, 1);
        UUID c = UUID.randomUUID();
        message(t, c, 1);
        assertThat(message(t, UUID.randomUUID(), 1).overflow()).isTrue();
        assertThat(t.senderCount()).isEqualTo(3);
        assertThat(t.silentCount()).isZero();
        assertThat(message(t, B, 2).lost()).as("B was kept").isZero();
    }

    @Test
    void resetForgetsEverySender() {
        SequenceTracker t = tracker(0);
        message(t, A, 1);
        goodbye(t, B, 3);
        t.reset();
        assertThat(t.senderCount()).isZero();
        assertThat(message(t, A, 10).lost()).isZero();
        assertThat(message(t, B, 10).lost()).as("the goodbye was forgotten too").isZero();
    }
}
