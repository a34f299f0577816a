package dev.weft.caching.azure.internal;

import java.util.Iterator;
import java.util.TreeMap;

/**
 * Watches this instance's own messages come back on its subscription, to find another consumer on it.
 *
 * <p>Every subscription receives every message of the topic, this instance's own included, and messages from one
 * sender link arrive in the order they were sent. So when a later own message comes back and an earlier one has
 * not, within a grace period for reordering, someone else received the earlier one: another consumer shares the
 * subscription (Service Bus gives each message of a subscription to one receiver). Such a message is counted as
 * missing.
 *
 * <p>What is not evidence is not counted: messages sent while the link was not up (their fate is unknown), messages
 * pending when the link was lost ({@link #forget()}: a message in flight to a dying link is lost in
 * RECEIVE_AND_DELETE mode), and messages that could have expired by their time-to-live before the later one
 * overtook them.
 *
 * <p>Thread-safe (synchronized; the state is small).
 */
final class EchoTracker {

    /** Bounds memory if echoes stop for a reason the monitor has not noticed yet. */
    static final int MAX_PENDING = 10_000;

    private static final class Pending {
        final long sentAt;
        boolean overtaken;
        long overtakenAt;

        Pending(long sentAt) {
            this.sentAt = sentAt;
        }
    }

    private final long graceNanos;
    private final long timeToLiveNanos;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();

    EchoTracker(long graceNanos, long timeToLiveNanos) {
        this.graceNanos = graceNanos;
        this.timeToLiveNanos = timeToLiveNanos;
    }

    /** Own message {@code number} is being sent while the link is up: its echo is expected. */
    synchronized void sent(long number, long now) {
        pending.put(number, new Pending(now));
        if (pending.size() > MAX_PENDING) {
            pending.pollFirstEntry();
        }
    }

    /** The send failed: no echo is expected. */
    synchronized void notSent(long number) {
        pending.remove(number);
    }

    /** Own message {@code number} came back: every earlier one still pending has been overtaken. */
    synchronized void echoed(long number, long now) {
        pending.remove(number);
        for (Pending p : pending.headMap(number).values()) {
            if (!p.overtaken) {
                p.overtaken = true;
                p.overtakenAt = now;
            }
        }
    }

    /** The link was lost: what is pending may have died with it, and proves nothing. */
    synchronized void forget() {
        pending.clear();
    }

    /** Judges what the grace period has passed for; returns how many own messages went to another consumer. */
    synchronized int expire(long now) {
        int missing = 0;
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.overtaken) {
                if (now - p.overtakenAt >= graceNanos) {
                    it.remove();
                    // had it been in the subscription, it would have arrived before it could expire
                    if (p.overtakenAt + graceNanos - p.sentAt < timeToLiveNanos) {
                        missing++;
                    }
                }
            } else if (now - p.sentAt > timeToLiveNanos) {
                it.remove();
            }
        }
        return missing;
    }

    synchronized int pendingCount() {
        return pending.size();
    }
}
