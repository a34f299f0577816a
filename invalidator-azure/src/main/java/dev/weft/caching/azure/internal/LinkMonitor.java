package dev.weft.caching.azure.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides when the receive link delivers, from what arrives on it.
 *
 * <h2>Why not the SDK's own signal</h2>
 * The SDK (7.17, "v2" receive stack) gives none: a {@code ServiceBusProcessorClient} re-creates a lost receive link
 * inside its message flux ({@code ServiceBusReceiverAsyncClient.getOrCreateConsumer}: a retried, repeated link mono
 * feeding a {@code MessageFlux}) and calls {@code processError} only when a whole message pump ends (retries
 * exhausted, or a non-retriable error such as a missing entity). A dropped connection that the SDK repairs is
 * never reported, and no public API exposes link attach, credit or connection state. So this class watches
 * deliveries instead: <b>the link is up when something arrives on it</b>.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Any delivery (another instance's invalidation, a probe, this instance's own message coming back) proves
 *       the link. The first delivery after start or after a loss is the (re)subscription.</li>
 *   <li>When nothing arrived for {@code interval} (plus up to half of it at random, so that in a quiet fleet one
 *       instance's probe, which every instance receives, spares the others theirs), a probe is sent.</li>
 *   <li>If nothing at all arrives within {@code timeout} of the probe's acceptance by Service Bus, the link counts as
 *       lost. So does an error the processor reports (its pump ended), except throttling. The timeout runs from the
 *       acceptance, not the request: a send the SDK retries for seconds against a busy namespace proves nothing
 *       about the receive link. A probe that could not be sent is no verdict either: the next one is due after an
 *       interval.</li>
 *   <li>While the namespace throttles (ServerBusy on a send, a link or the processor, within the last few
 *       timeouts), the timeout is four times as long: a broker under pressure delivers late, and declaring the link
 *       lost would make every instance clear its cache exactly when the database can least afford it. A link that
 *       really stopped still shows, a little later; meanwhile the invalidator's silent-sender rule bounds
 *       staleness.</li>
 *   <li>While not up, a probe goes out every {@code interval}, so that a repaired link shows itself even on a quiet
 *       topic (a probe sent during the outage waits in the subscription and arrives when the link is back).</li>
 * </ul>
 * Because a Service Bus subscription keeps messages while the link is down (until their time-to-live), a short
 * outage loses nothing; the cache is still cleared on the new link, as every transport does.
 *
 * <p>Thread-safe: synchronized, and the {@link Link} callbacks run under the lock so that a "subscribed" and a
 * "lost" can never reach the invalidator in the opposite order of the decisions. Callbacks must not block.
 */
final class LinkMonitor {

    /** The receive link's state as this monitor sees it. */
    enum State {
        CONNECTING, UP, DOWN, CLOSED
    }

    /** What the monitor makes happen. */
    interface Link {
        /** The link delivers (again). */
        void subscribed();

        /** The link stopped delivering. */
        void lost(String reason);

        /**
         * Send a probe now (asynchronously).
         *
         * @param judged whether the link is up, so that the probe's echo can be judged (see {@link EchoTracker});
         *               the sender then reports {@link #probeAccepted} or {@link #probeNotSent}
         */
        void probe(boolean judged);
    }

    private final long intervalNanos;
    private final long timeoutNanos;
    private final Duration timeout;
    private final Link link;

    private State state = State.CONNECTING;
    private long nextProbeAt;
    private boolean probeOutstanding;
    /** Whether the outstanding probe was accepted by Service Bus; its timeout runs from then. */
    private boolean probeAccepted;
    private long probeSentAt;
    private boolean throttledSeen;
    private long lastThrottledAt;

    LinkMonitor(Duration interval, Duration timeout, Link link) {
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.timeout = timeout;
        this.link = link;
    }

    /** Starts watching; the first probe is due at {@code firstProbeAt} unless something arrives before. */
    synchronized void start(long firstProbeAt) {
        nextProbeAt = firstProbeAt;
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean isUp() {
        return state == State.UP;
    }

    /** Something arrived on the link. */
    synchronized void delivered(long now) {
        if (state == State.CLOSED) {
            return;
        }
        probeOutstanding = false;
        probeAccepted = false;
        nextProbeAt = now + intervalNanos + ThreadLocalRandom.current().nextLong(intervalNanos / 2 + 1);
        if (state != State.UP) {
            state = State.UP;
            link.subscribed();
        }
    }

    /** Service Bus accepted the outstanding probe: its timeout starts now. */
    synchronized void probeAccepted(long now) {
        if (probeOutstanding && !probeAccepted) {
            probeAccepted = true;
            probeSentAt = now;
        }
    }

    /** The outstanding probe could not be sent: no verdict; another is due after an interval. */
    synchronized void probeNotSent(boolean throttled, long now) {
        if (throttled) {
            throttled(now);
        }
        if (probeOutstanding) {
            probeOutstanding = false;
            probeAccepted = false;
            nextProbeAt = now + intervalNanos;
        }
    }

    /** The namespace throttled something (a send, a link, the processor): probe timeouts stretch for a while. */
    synchronized void throttled(long now) {
        throttledSeen = true;
        lastThrottledAt = now;
    }

    private long timeoutNow(long now) {
        boolean throttling = throttledSeen && now - lastThrottledAt < 4 * timeoutNanos + intervalNanos;
        return throttling ? 4 * timeoutNanos : timeoutNanos;
    }

    /** The processor reported an error: its message pump ended, the SDK builds another. */
    synchronized void failed(String reason, long now) {
        if (state == State.UP) {
            state = State.DOWN;
            link.lost(reason);
        }
        probeOutstanding = false;
        probeAccepted = false;
        // the error may have been brief: a probe shows at once whether the link delivers
        nextProbeAt = now;
    }

    /** Called periodically: sends probes, and declares the link lost when a probe went unanswered. */
    synchronized void tick(long now) {
        switch (state) {
            case UP:
                if (probeOutstanding) {
                    long limit = timeoutNow(now);
                    if (probeAccepted && now - probeSentAt >= limit) {
                        state = State.DOWN;
                        probeOutstanding = false;
                        probeAccepted = false;
                        nextProbeAt = now + intervalNanos;
                        link.lost("nothing arrived within " + (limit == timeoutNanos ? timeout
                                : Duration.ofNanos(limit) + " (the namespace is throttling)") + " of a probe");
                    }
                } else if (now - nextProbeAt >= 0) {
                    probeOutstanding = true;
                    probeAccepted = false;
                    probeSentAt = now;
                    link.probe(true);
                }
                break;
            case CONNECTING:
            case DOWN:
                if (now - nextProbeAt >= 0) {
                    nextProbeAt = now + intervalNanos;
                    link.probe(false);
                }
                break;
            default:
                break;
        }
    }

    synchronized void close() {
        state = State.CLOSED;
    }
}
