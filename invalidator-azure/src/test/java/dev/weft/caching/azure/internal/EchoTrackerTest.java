package dev.weft.caching.azure.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Judging one's own messages, on a made-up clock. */
class EchoTrackerTest {

    static final long SECOND = 1_000_000_000L;
    final EchoTracker tracker = new EchoTracker(2 * SECOND, 300 * SECOND);

    @Test
    void messagesThatComeBackInOrderAreNeverMissing() {
        tracker.sent(1, 0);
        tracker.sent(2, 0);
        tracker.echoed(1, SECOND);
        tracker.echoed(2, SECOND);
        assertThat(tracker.expire(100 * SECOND)).isZero();
        assertThat(tracker.pendingCount()).isZero();
    }

    @Test
    void anOvertakenMessageIsMissingOnceTheGracePeriodIsOver() {
        tracker.sent(1, 0);
        tracker.sent(2, 0);
        tracker.echoed(2, SECOND);
        assertThat(tracker.expire(2 * SECOND)).as("still within the grace period").isZero();
        tracker.echoed(1, 2 * SECOND);
        assertThat(tracker.expire(10 * SECOND)).as("it came back late: reordered, not missing").isZero();

        tracker.sent(3, 10 * SECOND);
        tracker.sent(4, 10 * SECOND);
        tracker.echoed(4, 11 * SECOND);
        assertThat(tracker.expire(13 * SECOND)).isEqualTo(1);
    }

    @Test
    void whatWasPendingWhenTheLinkWasLostProvesNothing() {
        tracker.sent(1, 0);
        tracker.forget();
        tracker.sent(2, SECOND);
        tracker.echoed(2, 2 * SECOND);
        assertThat(tracker.expire(100 * SECOND)).isZero();
    }

    @Test
    void aMessageThatCouldHaveExpiredIsNotCountedAsMissing() {
        tracker.sent(1, 0);
        tracker.sent(2, 299 * SECOND);
        tracker.echoed(2, 299 * SECOND);
        assertThat(tracker.expire(400 * SECOND)).isZero();
    }

    @Test
    void aFailedSendIsNotExpected() {
        tracker.sent(1, 0);
        tracker.notSent(1);
        tracker.sent(2, 0);
        tracker.echoed(2, SECOND);
        assertThat(tracker.expire(10 * SECOND)).isZero();
    }
}
