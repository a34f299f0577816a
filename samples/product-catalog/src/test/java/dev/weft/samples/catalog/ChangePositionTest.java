package dev.weft.samples.catalog;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How the change feed decides what to publish and what position it may persist. */
class ChangePositionTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final ChangePosition position = new ChangePosition(100, Duration.ofSeconds(10));

    @Test
    void consecutiveChangesArePublishedAndMoveTheWatermark() {
        assertThat(position.record(101, 0)).isTrue();
        assertThat(position.record(102, 0)).isTrue();

        assertThat(position.advance(0)).isEmpty();
        assertThat(position.watermark()).isEqualTo(102);
        assertThat(position.hasGap()).isFalse();
    }

    @Test
    void aChangeAtOrBelowTheWatermarkIsNotPublishedAgain() {
        assertThat(position.record(100, 0)).isFalse();
        assertThat(position.record(42, 0)).isFalse();
    }

    @Test
    void aChangeSeenTwiceIsPublishedOnce() {
        assertThat(position.record(105, 0)).isTrue();
        assertThat(position.record(105, SECOND)).isFalse();
    }

    @Test
    void aGapHoldsTheWatermarkButNotThePublication() {
        assertThat(position.record(103, 0)).isTrue();

        assertThat(position.advance(SECOND)).isEmpty();
        assertThat(position.watermark()).as("101 and 102 may still commit").isEqualTo(100);
        assertThat(position.hasGap()).isTrue();
        assertThat(position.highestPublished()).isEqualTo(103);
    }

    @Test
    void aChangeThatCommitsLateIntoAGapIsPublishedAndClosesIt() {
        position.record(103, 0);
        position.advance(0);

        assertThat(position.record(101, SECOND)).isTrue();
        assertThat(position.record(102, SECOND)).isTrue();
        assertThat(position.advance(SECOND)).isEmpty();
        assertThat(position.watermark()).isEqualTo(103);
    }

    @Test
    void aGapOlderThanTheTimeoutIsGivenUp() {
        position.record(103, 0);
        position.record(104, 0);

        assertThat(position.advance(10 * SECOND)).containsExactly(new ChangePosition.Gap(101, 102));
        assertThat(position.watermark()).isEqualTo(104);
        assertThat(position.hasGap()).isFalse();
    }

    @Test
    void eachGapIsDatedByTheChangeAboveIt() {
        position.record(102, 0);
        position.record(104, 5 * SECOND);

        assertThat(position.advance(10 * SECOND)).containsExactly(new ChangePosition.Gap(101, 101));
        assertThat(position.watermark()).as("103 appeared to be missing only 5 s ago").isEqualTo(102);
        assertThat(position.advance(15 * SECOND)).containsExactly(new ChangePosition.Gap(103, 103));
        assertThat(position.watermark()).isEqualTo(104);
    }
}
