package dev.weft.caching.invalidation.internal;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Loss detection: in order, duplicates, gaps, reordering within the window, new and restarted senders. */
class SequenceTrackerTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static final long SUBSCRIBED = 1_000_000L;
    private static final long WINDOW = 1_000_000_000L;

    private long now = 5_000_000_000L;

    private SequenceTracker.Verdict accept(SequenceTracker t, UUID sender, long sequence) {
        return t.accept(sender, SUBSCRIBED - 60_000, sequence, now, SUBSCRIBED);
    }

    @Test
    void messagesInOrderAreAcceptedWithoutLoss() {
        SequenceTracker t = new SequenceTracker(0);
        for (long s = 1; s <= 100; s++) {
            SequenceTracker.Verdict v = accept(t, A, s);
            assertThat(v.duplicate()).isFalse();
            assertThat(v.lost()).isZero();
        }
    }

    @Test
    void aSenderSeenFirstInTheMiddleOfItsSequenceIsNotAFalseAlarm() {
        SequenceTracker t = new SequenceTracker(0);
        assertThat(accept(t, A, 5000).lost()).isZero();
        assertThat(accept(t, A, 5001).lost()).isZero();
    }

    @Test
    void aRestartedSenderHasANewIdAndStartsAtOneWithoutAlarm() {
        SequenceTracker t = new SequenceTracker(0);
        accept(t, A, 1);
        accept(t, A, 2);
        assertThat(t.accept(B, SUBSCRIBED + 600_000, 1, now, SUBSCRIBED).lost()).isZero();
    }

    @Test
    void aNewSenderThatStartedAfterWeSubscribedButBeginsAbove1LostItsFirstMessages() {
        SequenceTracker t = new SequenceTracker(0);
        SequenceTracker.Verdict v = t.accept(B, SUBSCRIBED + 60_000, 3, now, SUBSCRIBED);
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.firstLost()).isEqualTo(1);
    }

    @Test
    void aSkippedNumberIsALossAtOnceWithoutAReorderWindow() {
        SequenceTracker t = new SequenceTracker(0);
        accept(t, A, 1);
        SequenceTracker.Verdict v = accept(t, A, 4);
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.firstLost()).isEqualTo(2);
    }

    @Test
    void aReplayedOldMessageIsADuplicateNotAGap() {
        SequenceTracker t = new SequenceTracker(0);
        accept(t, A, 1);
        accept(t, A, 2);
        accept(t, A, 3);
        assertThat(accept(t, A, 2).duplicate()).isTrue();
        assertThat(accept(t, A, 3).duplicate()).isTrue();
        assertThat(accept(t, A, 4).lost()).isZero();
    }

    @Test
    void reorderingWithinTheWindowIsTolerated() {
        SequenceTracker t = new SequenceTracker(WINDOW);
        accept(t, A, 1);
        assertThat(accept(t, A, 3).lost()).isZero();
        assertThat(accept(t, A, 2).duplicate()).isFalse();
        now += 2 * WINDOW;
        assertThat(t.expire(now).lost()).isZero();
        assertThat(accept(t, A, 2).duplicate()).isTrue();
    }

    @Test
    void aHoleNotFilledWhenTheWindowClosesIsALoss() {
        SequenceTracker t = new SequenceTracker(WINDOW);
        accept(t, A, 1);
        accept(t, A, 5);
        accept(t, A, 3);
        assertThat(t.nextDeadline()).isEqualTo(now + WINDOW);
        now += WINDOW / 2;
        assertThat(t.expire(now).lost()).isZero();
        now += WINDOW;
        SequenceTracker.Expired expired = t.expire(now);
        assertThat(expired.lost()).isEqualTo(2);
        assertThat(expired.description()).contains(A + " #2").contains("#4");
        assertThat(t.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void resetForgetsEverySender() {
        SequenceTracker t = new SequenceTracker(0);
        accept(t, A, 1);
        t.reset();
        assertThat(t.senderCount()).isZero();
        assertThat(accept(t, A, 10).lost()).isZero();
    }
}
