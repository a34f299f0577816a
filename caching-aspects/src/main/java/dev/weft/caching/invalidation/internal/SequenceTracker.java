package dev.weft.caching.invalidation.internal;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Tracks, per sender, the next expected sequence number, and turns what arrives into verdicts: in order, filling a
 * hole (reordered), a duplicate (ignored), or a gap (messages lost).
 *
 * <p>A gap opens a hole that stays open for the reorder window: a message of the hole that arrives in time fills
 * it; when the window closes on a hole, its numbers are lost. With a zero window a gap is a loss at once.
 *
 * <p>A sender seen for the first time is taken as it is (its earlier messages were sent before this receiver
 * listened, and the receiver cleared its cache when it subscribed), unless its first number is not 1 and it started
 * after this receiver subscribed (allowing for clock skew): then its first messages were lost. A restarted sender
 * has a new id, so it is a new sender, not a gap.
 *
 * <p>Thread-safe (synchronized: messages arrive one by one, and the state is tiny).
 */
public final class SequenceTracker {

    /** How far sender and receiver clocks may disagree before a new sender's start time is trusted. */
    static final long CLOCK_SKEW_MILLIS = 5_000;
    private static final long FORGET_IDLE_SENDER_NANOS = 3_600_000_000_000L;

    /** The verdict on one message. */
    public static final class Verdict {
        static final Verdict IN_ORDER = new Verdict(false, 0, 0);
        static final Verdict DUPLICATE = new Verdict(true, 0, 0);

        final boolean duplicate;
        final long lost;
        final long firstLost;

        Verdict(boolean duplicate, long lost, long firstLost) {
            this.duplicate = duplicate;
            this.lost = lost;
            this.firstLost = firstLost;
        }

        /** Seen before: do not apply. */
        public boolean duplicate() {
            return duplicate;
        }

        /** Numbers declared lost by this message (zero window, or a new sender's missing start). */
        public long lost() {
            return lost;
        }

        /** The first lost number, when {@link #lost()} is positive. */
        public long firstLost() {
            return firstLost;
        }
    }

    /** Holes whose window closed. */
    public static final class Expired {
        final long lost;
        final String description;

        Expired(long lost, String description) {
            this.lost = lost;
            this.description = description;
        }

        public long lost() {
            return lost;
        }

        public String description() {
            return description;
        }
    }

    private static final class SenderState {
        long next;
        long lastSeenNanos;
        /** start of hole -> {end (inclusive), deadline nanos} */
        final TreeMap<Long, long[]> holes = new TreeMap<>();
    }

    private final long windowNanos;
    private final Map<UUID, SenderState> senders = new HashMap<>();

    public SequenceTracker(long windowNanos) {
        if (windowNanos < 0) {
            throw new IllegalArgumentException("window must not be negative");
        }
        this.windowNanos = windowNanos;
    }

    /**
     * Judges message {@code sequence} of {@code sender}.
     *
     * @param subscribedAtMillis when this receiver last (re)subscribed, epoch milliseconds
     */
    public synchronized Verdict accept(UUID sender, long senderStartMillis, long sequence, long nowNanos,
                                       long subscribedAtMillis) {
        SenderState s = senders.get(sender);
        if (s == null) {
            s = new SenderState();
            senders.put(sender, s);
            s.lastSeenNanos = nowNanos;
            s.next = sequence + 1;
            if (sequence > 1 && senderStartMillis > subscribedAtMillis + CLOCK_SKEW_MILLIS) {
                return open(s, 1, sequence - 1, nowNanos);
            }
            return Verdict.IN_ORDER;
        }
        s.lastSeenNanos = nowNanos;
        if (sequence == s.next) {
            s.next++;
            return Verdict.IN_ORDER;
        }
        if (sequence > s.next) {
            long from = s.next;
            s.next = sequence + 1;
            return open(s, from, sequence - 1, nowNanos);
        }
        return fill(s, sequence) ? Verdict.IN_ORDER : Verdict.DUPLICATE;
    }

    private Verdict open(SenderState s, long from, long to, long nowNanos) {
        if (windowNanos == 0) {
            return new Verdict(false, to - from + 1, from);
        }
        s.holes.put(from, new long[] {to, nowNanos + windowNanos});
        return Verdict.IN_ORDER;
    }

    private static boolean fill(SenderState s, long sequence) {
        Map.Entry<Long, long[]> hole = s.holes.floorEntry(sequence);
        if (hole == null || hole.getValue()[0] < sequence) {
            return false;
        }
        long from = hole.getKey();
        long to = hole.getValue()[0];
        long deadline = hole.getValue()[1];
        s.holes.remove(from);
        if (from < sequence) {
            s.holes.put(from, new long[] {sequence - 1, deadline});
        }
        if (sequence < to) {
            s.holes.put(sequence + 1, new long[] {to, deadline});
        }
        return true;
    }

    /** Declares lost the holes whose window closed by {@code nowNanos}, and forgets senders idle for an hour. */
    public synchronized Expired expire(long nowNanos) {
        long lost = 0;
        StringBuilder description = null;
        Iterator<Map.Entry<UUID, SenderState>> senderIterator = senders.entrySet().iterator();
        while (senderIterator.hasNext()) {
            Map.Entry<UUID, SenderState> e = senderIterator.next();
            SenderState s = e.getValue();
            Iterator<Map.Entry<Long, long[]>> holes = s.holes.entrySet().iterator();
            while (holes.hasNext()) {
                Map.Entry<Long, long[]> h = holes.next();
                if (h.getValue()[1] - nowNanos <= 0) {
                    holes.remove();
                    lost += h.getValue()[0] - h.getKey() + 1;
                    if (description == null) {
                        description = new StringBuilder();
                    } else {
                        description.append(", ");
                    }
                    description.append(e.getKey()).append(" #").append(h.getKey());
                    if (!h.getKey().equals(h.getValue()[0])) {
                        description.append("..").append(h.getValue()[0]);
                    }
                }
            }
            if (s.holes.isEmpty() && nowNanos - s.lastSeenNanos > FORGET_IDLE_SENDER_NANOS) {
                senderIterator.remove();
            }
        }
        return new Expired(lost, description == null ? "" : description.toString());
    }

    /** The earliest deadline of an open hole, or {@code Long.MAX_VALUE}. */
    public synchronized long nextDeadline() {
        long earliest = Long.MAX_VALUE;
        for (SenderState s : senders.values()) {
            for (long[] h : s.holes.values()) {
                if (earliest == Long.MAX_VALUE || h[1] - earliest < 0) {
                    earliest = h[1];
                }
            }
        }
        return earliest;
    }

    /** Forgets every sender: after a resubscription (which cleared the cache) every sender starts afresh. */
    public synchronized void reset() {
        senders.clear();
    }

    /** Number of senders tracked. */
    public synchronized int senderCount() {
        return senders.size();
    }
}
