package dev.weft.samples.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the change feed is in the database's sequence of changes, and which changes it already published.
 *
 * <p>Sequence numbers are handed out when a statement runs, but rows become visible when their transaction commits,
 * so a reader can see change 12 before change 11. If the feed simply remembered the highest number seen, a change 11
 * committed a moment later would be skipped forever. So it keeps a <em>watermark</em>: every change at or below it
 * was published, or given up on. Changes above it that were published are remembered individually; a missing number
 * between them is a <em>gap</em>, which the feed keeps looking into (its row may still commit) until the gap is older
 * than the gap timeout. Most gaps never fill and are harmless: a row updated twice between two polls shows only its
 * second number, and a rolled-back update consumes a number too. A transaction that commits later than the gap
 * timeout after a newer change was seen is missed: the timeout must exceed the longest write transaction.
 *
 * <p>Publication is never delayed by a gap; only the watermark, which is what the feed persists, waits.
 *
 * <p>Not thread-safe: the feed's single polling thread owns it.
 */
final class ChangePosition {

    private long watermark;
    /** Published changes above the watermark, with the time each was first seen (it dates the gap below it). */
    private final TreeMap<Long, Long> publishedAbove = new TreeMap<>();
    private final long gapTimeoutNanos;

    /**
     * @param watermark  every change at or below it counts as published
     * @param gapTimeout how long a gap may still fill
     */
    ChangePosition(long watermark, Duration gapTimeout) {
        if (watermark < 0) {
            throw new IllegalArgumentException("watermark must not be negative, got " + watermark);
        }
        this.watermark = watermark;
        this.gapTimeoutNanos = gapTimeout.toNanos();
    }

    /** Every change at or below this was published or given up on. What the feed persists. */
    long watermark() {
        return watermark;
    }

    /** The highest change published, or the watermark when none above it was. New changes are above this. */
    long highestPublished() {
        return publishedAbove.isEmpty() ? watermark : publishedAbove.lastKey();
    }

    /** Whether some number between the watermark and {@link #highestPublished()} has not been seen yet. */
    boolean hasGap() {
        return !publishedAbove.isEmpty();
    }

    /**
     * Records that the database shows change {@code sequence}.
     *
     * @return true if it is new and must be published; false if it was already published or is at or below the
     *         watermark
     */
    boolean record(long sequence, long nowNanos) {
        if (sequence <= watermark || publishedAbove.containsKey(sequence)) {
            return false;
        }
        publishedAbove.put(sequence, nowNanos);
        return true;
    }

    /**
     * Moves the watermark over every published change that follows it without a gap, and over gaps older than the
     * timeout.
     *
     * @return the gaps given up on, lowest first
     */
    List<Gap> advance(long nowNanos) {
        List<Gap> givenUp = new ArrayList<>(0);
        while (!publishedAbove.isEmpty()) {
            Map.Entry<Long, Long> lowest = publishedAbove.firstEntry();
            long next = lowest.getKey();
            if (next != watermark + 1) {
                // The gap (watermark, next) appeared when `next` was first seen.
                if (nowNanos - lowest.getValue() < gapTimeoutNanos) {
                    break;
                }
                givenUp.add(new Gap(watermark + 1, next - 1));
            }
            watermark = next;
            publishedAbove.pollFirstEntry();
        }
        return givenUp;
    }

    /**
     * Change numbers that never showed up.
     *
     * @param first the lowest missing number
     * @param last  the highest missing number
     */
    record Gap(long first, long last) {
        @Override
        public String toString() {
            return first == last ? Long.toString(first) : first + ".." + last;
        }
    }
}
