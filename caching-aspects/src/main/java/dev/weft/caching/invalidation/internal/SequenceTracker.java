package dev.weft.caching.invalidation.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Knows, per sender, which sequence numbers arrived, and says when some were lost. It only ever decides about loss:
 * the receiver applies every well-formed invalidation whatever the tracker says (receipt is idempotent), so no message,
 * forged or garbled, can make a receiver ignore later ones.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Gaps.</b> An invalidation numbered past the next expected one opens a hole; a heartbeat or goodbye whose
 *       last number is past what arrived does too (the sender's last messages were lost). A hole stays open for the
 *       reorder window (a late message of the hole fills it); then its numbers are lost. With a zero window a gap is
 *       a loss at once.</li>
 *   <li><b>Forward jumps heal.</b> A forward jump (a garbled number, a buggy or forged peer using a real sender's id)
 *       is a loss, cleared like any other; it never silences the real sender. Its numbers are remembered as declared
 *       lost, and when the real sender's stream shows up inside them (an invalidation in the range, or a heartbeat
 *       sent after the jump whose last number is below it), the expectation moves back to the real stream. Numbers
 *       of the range the real stream skipped are then declared lost again, since they may have been sent after the
 *       first clear.</li>
 *   <li><b>Confirmed jumps stay lost once.</b> A heartbeat or goodbye sent after the jump whose last number is at or
 *       past it shows the jump was the sender's own: its numbers were lost, reported once and cleared for. A late copy
 *       of one of them (sent before the jump, so before that clear) is then a duplicate, not the real stream, and is
 *       not reported lost again. A forged confirmation of a forged jump costs at most this: the real stream inside
 *       the jump counts as duplicates (it is still applied) until the real sender's next heartbeat, whose number is
 *       below the jump, follows it again and counts what it sent of the jump's numbers lost once more.</li>
 *   <li><b>New senders.</b> A sender heard for the first time is taken as it is (what it sent before was sent before
 *       this receiver subscribed, and the receiver cleared its cache when it subscribed), unless its first number is
 *       past 0 and it started after this receiver subscribed (allowing for clock skew): then its first messages were
 *       lost. A restarted sender has a new id, so it is a new sender, not a gap.</li>
 *   <li><b>Silence.</b> A known sender heard from neither invalidation nor heartbeat for {@code silenceNanos} becomes
 *       silent: it may have published something that never arrived (a crash mid-publish, a partition of its own), and
 *       the receiver treats that as a possible loss. Heard again, it is back. Silent for {@code forgetNanos}, it is
 *       forgotten.</li>
 *   <li><b>Goodbyes.</b> A goodbye's last number is checked like a heartbeat's, then the sender is forgotten (after
 *       the reorder window, for holes still open). A small record of the goodbye stays, so that a forged goodbye for
 *       a live sender costs at most that: the sender's next message resumes it in place.</li>
 *   <li><b>Bounded memory.</b> At most {@code maxSenders} senders are tracked; a new one past that evicts the silent
 *       ones, then the least recently heard half, and the verdict says so: the receiver must clear its cache, since
 *       it no longer knows what the evicted senders sent.</li>
 * </ul>
 *
 * <p>Thread-safe (synchronized: messages arrive one by one, and the state is small).
 */
public final class SequenceTracker {

    /** How far sender and receiver clocks may disagree before a new sender's start time is trusted. */
    static final long CLOCK_SKEW_MILLIS = 5_000;
    /** Goodbyes remembered, at most. */
    static final int MAX_GOODBYES = 4096;

    /** What one message showed. Loss is what matters; the rest is for counters and logs. */
    public static final class Verdict {
        static final Verdict IN_ORDER = new Verdict(false, 0, "", false, false);
        static final Verdict DUPLICATE = new Verdict(true, 0, "", false, false);

        final boolean duplicate;
        final long lost;
        final String lostDescription;
        final boolean returned;
        final boolean overflow;

        Verdict(boolean duplicate, long lost, String lostDescription, boolean returned, boolean overflow) {
            this.duplicate = duplicate;
            this.lost = lost;
            this.lostDescription = lostDescription;
            this.returned = returned;
            this.overflow = overflow;
        }

        /** The number was seen before (a replay, a redelivery, or a number a forward jump had claimed). */
        public boolean duplicate() {
            return duplicate;
        }

        /** How many numbers this message showed lost (0: none). */
        public long lost() {
            return lost;
        }

        /** Which numbers, for logs: {@code <sender> #from..to}. */
        public String lostDescription() {
            return lostDescription;
        }

        /** The sender had fallen silent and is heard again. */
        public boolean returned() {
            return returned;
        }

        /** Tracking this sender evicted others: the receiver no longer knows what they sent, and must clear. */
        public boolean overflow() {
            return overflow;
        }
    }

    /** What the passing of time showed. */
    public static final class Expired {
        final long lost;
        final String lostDescription;
        final List<UUID> newlySilent;
        final int forgotten;

        Expired(long lost, String lostDescription, List<UUID> newlySilent, int forgotten) {
            this.lost = lost;
            this.lostDescription = lostDescription;
            this.newlySilent = newlySilent;
            this.forgotten = forgotten;
        }

        /** Numbers of holes whose reorder window closed. */
        public long lost() {
            return lost;
        }

        public String lostDescription() {
            return lostDescription;
        }

        /** Senders that fell silent since the last call. */
        public List<UUID> newlySilent() {
            return newlySilent;
        }

        /** Silent senders forgotten by this call. */
        public int forgotten() {
            return forgotten;
        }
    }

    private static final class SenderState {
        long next;
        long lastHeardNanos;
        /** start of hole -> {end (inclusive), deadline nanos} */
        final TreeMap<Long, long[]> holes = new TreeMap<>();
        /** The last range declared lost, {@code lostFrom > lostTo} when none. */
        long lostFrom = 1;
        long lostTo;
        /** Sent-at (sender's clock) of the message that made the last forward jump. */
        long jumpSentAtMillis = Long.MAX_VALUE;
        /**
         * The highest number a heartbeat or goodbye sent after the last forward jump showed sent, among those the jump
         * had claimed (0: none): numbers of the lost range up to it that arrive are late copies, not the real stream.
         */
        long confirmedThrough;
        boolean silent;
        /** Said goodbye; removed once this deadline passed (the holes' reorder window). */
        boolean leaving;
        long leaveAtNanos;

        boolean hasLostRange() {
            return lostFrom <= lostTo;
        }

        void forgetLostRange() {
            lostFrom = 1;
            lostTo = 0;
            jumpSentAtMillis = Long.MAX_VALUE;
            confirmedThrough = 0;
        }
    }

    /** Accumulates the losses one call finds. */
    private static final class Losses {
        long count;
        StringBuilder description;

        void add(UUID sender, long from, long to) {
            if (to < from) {
                return;
            }
            count += to - from + 1;
            if (description == null) {
                description = new StringBuilder();
            } else {
                description.append(", ");
            }
            description.append(sender).append(" #").append(from);
            if (to != from) {
                description.append("..").append(to);
            }
        }

        String text() {
            return description == null ? "" : description.toString();
        }
    }

    private final long windowNanos;
    private final long silenceNanos;
    private final long forgetNanos;
    private final int maxSenders;
    private final Map<UUID, SenderState> senders = new HashMap<>();
    /** sender -> its goodbye's last number; oldest first. */
    private final LinkedHashMap<UUID, Long> goodbyes = new LinkedHashMap<>();
    private int silentCount;

    /**
     * @param windowNanos  how long a hole may still be filled (the reorder window)
     * @param silenceNanos how long a known sender may stay unheard before it counts as silent
     * @param forgetNanos  how long a silent sender is remembered
     * @param maxSenders   the most senders tracked at once
     */
    public SequenceTracker(long windowNanos, long silenceNanos, long forgetNanos, int maxSenders) {
        if (windowNanos < 0 || silenceNanos <= 0 || forgetNanos < silenceNanos || maxSenders < 2) {
            throw new IllegalArgumentException("window " + windowNanos + ", silence " + silenceNanos + ", forget "
                    + forgetNanos + ", maxSenders " + maxSenders);
        }
        this.windowNanos = windowNanos;
        this.silenceNanos = silenceNanos;
        this.forgetNanos = forgetNanos;
        this.maxSenders = maxSenders;
    }

    /**
     * Judges invalidation message {@code sequence} of {@code sender}.
     *
     * @param sentAtMillis       when the sender sent it, on the sender's clock
     * @param subscribedAtMillis when this receiver last (re)subscribed, epoch milliseconds
     */
    public synchronized Verdict invalidation(UUID sender, long senderStartMillis, long sequence, long sentAtMillis,
                                             long nowNanos, long subscribedAtMillis) {
        SenderState s = senders.get(sender);
        if (s == null) {
            return firstHeard(sender, senderStartMillis, sequence - 1, sequence + 1, nowNanos, subscribedAtMillis);
        }
        boolean returned = heard(s, nowNanos);
        Losses losses = new Losses();
        boolean duplicate = false;
        if (sequence == s.next) {
            s.next++;
        } else if (sequence > s.next) {
            gap(sender, s, s.next, sequence - 1, nowNanos, losses);
            s.next = sequence + 1;
            s.jumpSentAtMillis = sentAtMillis;
        } else if (!fill(s, sequence)) {
            if (s.hasLostRange() && sequence >= s.lostFrom && sequence <= s.lostTo && sequence > s.confirmedThrough) {
                // the real stream, inside numbers a forward jump declared lost: follow it again, and count what it
                // skipped of the range as lost once more (it may have been sent after the clear of the jump)
                losses.add(sender, s.lostFrom, sequence - 1);
                dropHolesFrom(s, sequence);
                s.next = sequence + 1;
                s.forgetLostRange();
            } else {
                duplicate = true;
            }
        }
        return verdict(duplicate, losses, returned, false);
    }

    /** Judges a heartbeat saying that {@code sender}'s last invalidation message was {@code lastSequence}. */
    public synchronized Verdict heartbeat(UUID sender, long senderStartMillis, long lastSequence, long sentAtMillis,
                                          long nowNanos, long subscribedAtMillis) {
        SenderState s = senders.get(sender);
        if (s == null) {
            return firstHeard(sender, senderStartMillis, lastSequence, lastSequence + 1, nowNanos,
                    subscribedAtMillis);
        }
        boolean returned = heard(s, nowNanos);
        Losses losses = new Losses();
        lastNumber(sender, s, lastSequence, sentAtMillis, nowNanos, losses);
        return verdict(false, losses, returned, false);
    }

    /**
     * Judges a goodbye saying that {@code sender}'s last invalidation message was {@code finalSequence}, then
     * forgets the sender (at once, or once the reorder window closed on its holes).
     */
    public synchronized Verdict goodbye(UUID sender, long senderStartMillis, long finalSequence, long sentAtMillis,
                                        long nowNanos, long subscribedAtMillis) {
        SenderState s = senders.get(sender);
        Verdict v;
        if (s == null) {
            v = firstHeard(sender, senderStartMillis, finalSequence, finalSequence + 1, nowNanos, subscribedAtMillis);
            s = senders.get(sender);
        } else {
            boolean returned = heard(s, nowNanos);
            Losses losses = new Losses();
            lastNumber(sender, s, finalSequence, sentAtMillis, nowNanos, losses);
            v = verdict(false, losses, returned, false);
        }
        if (s != null) {
            if (s.holes.isEmpty()) {
                senders.remove(sender);
            } else {
                s.leaving = true;
                s.leaveAtNanos = nowNanos + windowNanos;
            }
        }
        goodbyes.remove(sender);
        goodbyes.put(sender, finalSequence);
        if (goodbyes.size() > MAX_GOODBYES) {
            Iterator<UUID> oldest = goodbyes.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return v;
    }

    /** A heartbeat's or goodbye's last number against what arrived. Guarded by this. */
    private void lastNumber(UUID sender, SenderState s, long last, long sentAtMillis, long nowNanos, Losses losses) {
        if (last >= s.next - 1 && sentAtMillis >= s.jumpSentAtMillis) {
            // sent after the message that jumped, and the sender had reached it: the jump was its own. What it skipped
            // is lost (reported once, now or when its hole's window closes); a copy of it arriving later is late, not
            // the real stream showing up. Numbers this message shows past the expected one are not confirmed: they
            // are its own claim, and followed again if the real stream shows up inside them
            s.confirmedThrough = Math.max(s.confirmedThrough, s.next - 1);
        }
        if (last >= s.next) {
            gap(sender, s, s.next, last, nowNanos, losses);
            s.next = last + 1;
        } else if (last < s.next - 1 && sentAtMillis >= s.jumpSentAtMillis) {
            // sent after the message that jumped, yet its last number is below the jump: the jump was not this
            // sender's. Follow the real stream again; what it had not yet delivered of the range is lost once more
            if (s.hasLostRange() && last >= s.lostFrom) {
                losses.add(sender, s.lostFrom, Math.min(last, s.lostTo));
            }
            dropHolesFrom(s, last + 1);
            s.next = last + 1;
            s.forgetLostRange();
        }
    }

    /**
     * A sender heard for the first time (or again after its goodbye). Guarded by this.
     *
     * @param last the highest number this message says was sent before the next one expected
     * @param next the next number expected after this message
     */
    private Verdict firstHeard(UUID sender, long senderStartMillis, long last, long next, long nowNanos,
                               long subscribedAtMillis) {
        boolean overflow = false;
        if (senders.size() >= maxSenders) {
            evict();
            overflow = true;
        }
        SenderState s = new SenderState();
        s.lastHeardNanos = nowNanos;
        s.next = next;
        senders.put(sender, s);
        Losses losses = new Losses();
        Long farewell = goodbyes.remove(sender);
        if (farewell != null) {
            // it said goodbye (or someone did in its name) and speaks again: resume where the goodbye left it
            s.next = Math.max(farewell + 1, next);
            gap(sender, s, farewell + 1, last, nowNanos, losses);
        } else if (last >= 1 && senderStartMillis > subscribedAtMillis + CLOCK_SKEW_MILLIS) {
            gap(sender, s, 1, last, nowNanos, losses);
        }
        return verdict(false, losses, false, overflow);
    }

    /** Guarded by this: forgets the silent senders, then the least recently heard half. */
    private void evict() {
        senders.entrySet().removeIf(e -> e.getValue().silent);
        silentCount = 0;
        if (senders.size() < maxSenders) {
            return;
        }
        List<Map.Entry<UUID, SenderState>> all = new ArrayList<>(senders.entrySet());
        all.sort((a, b) -> Long.compare(a.getValue().lastHeardNanos - b.getValue().lastHeardNanos, 0));
        for (int i = 0; i < all.size() / 2; i++) {
            senders.remove(all.get(i).getKey());
        }
    }

    private boolean heard(SenderState s, long nowNanos) {
        s.lastHeardNanos = nowNanos;
        if (s.silent) {
            s.silent = false;
            silentCount--;
            return true;
        }
        return false;
    }

    /** Numbers {@code from..to} did not arrive: a hole for the reorder window, or lost at once. Guarded by this. */
    private void gap(UUID sender, SenderState s, long from, long to, long nowNanos, Losses losses) {
        if (to < from) {
            return;
        }
        if (windowNanos == 0) {
            losses.add(sender, from, to);
            s.lostFrom = from;
            s.lostTo = to;
        } else {
            s.holes.put(from, new long[] {to, nowNanos + windowNanos});
        }
    }

    private static void dropHolesFrom(SenderState s, long from) {
        Map.Entry<Long, long[]> below = s.holes.lowerEntry(from);
        if (below != null && below.getValue()[0] >= from) {
            below.getValue()[0] = from - 1;
        }
        s.holes.tailMap(from, true).clear();
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

    private static Verdict verdict(boolean duplicate, Losses losses, boolean returned, boolean overflow) {
        if (losses.count == 0 && !returned && !overflow) {
            return duplicate ? Verdict.DUPLICATE : Verdict.IN_ORDER;
        }
        return new Verdict(duplicate, losses.count, losses.text(), returned, overflow);
    }

    /**
     * What time showed by {@code nowNanos}: holes whose window closed (lost), senders that fell silent, silent
     * senders forgotten, and goodbyes completed.
     */
    public synchronized Expired expire(long nowNanos) {
        Losses losses = new Losses();
        List<UUID> newlySilent = null;
        int forgotten = 0;
        Iterator<Map.Entry<UUID, SenderState>> senderIterator = senders.entrySet().iterator();
        while (senderIterator.hasNext()) {
            Map.Entry<UUID, SenderState> e = senderIterator.next();
            SenderState s = e.getValue();
            Iterator<Map.Entry<Long, long[]>> holes = s.holes.entrySet().iterator();
            while (holes.hasNext()) {
                Map.Entry<Long, long[]> h = holes.next();
                if (h.getValue()[1] - nowNanos <= 0) {
                    holes.remove();
                    losses.add(e.getKey(), h.getKey(), h.getValue()[0]);
                    if (!s.hasLostRange() || h.getKey() > s.lostTo) {
                        s.lostFrom = h.getKey();
                        s.lostTo = h.getValue()[0];
                    }
                }
            }
            if (s.leaving) {
                if (s.holes.isEmpty() || nowNanos - s.leaveAtNanos >= 0) {
                    senderIterator.remove();
                }
            } else if (s.silent) {
                if (nowNanos - s.lastHeardNanos > forgetNanos) {
                    senderIterator.remove();
                    silentCount--;
                    forgotten++;
                }
            } else if (nowNanos - s.lastHeardNanos > silenceNanos) {
                s.silent = true;
                silentCount++;
                if (newlySilent == null) {
                    newlySilent = new ArrayList<>(1);
                }
                newlySilent.add(e.getKey());
            }
        }
        return new Expired(losses.count, losses.text(), newlySilent == null ? List.of() : newlySilent, forgotten);
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

    /**
     * Forgets every sender and goodbye: after a resubscription (which cleared the cache) every sender starts
     * afresh, and nobody is silent.
     */
    public synchronized void reset() {
        senders.clear();
        goodbyes.clear();
        silentCount = 0;
    }

    /** Senders tracked now. */
    public synchronized int senderCount() {
        return senders.size();
    }

    /** Senders silent now. */
    public synchronized int silentCount() {
        return silentCount;
    }
}
