package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessageFormatException;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.invalidation.WhileDisconnected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The receiving side of an invalidator: turns what the transport delivers into invalidations of a local
 * {@link Target}, and decides when the local cache cannot be trusted.
 *
 * <h2>Receipt</h2>
 * Every message is checked in this order: its signature (with a key: an unsigned or wrongly signed message is
 * counted and dropped, and can neither clear nor invalidate), its format (malformed: counted and dropped; an unknown
 * version: a clear, since the receiver cannot know what it invalidated), its sender (one's own: ignored). Then every
 * operation of an invalidation is applied, whatever the {@link SequenceTracker} says about its number: receipt is
 * idempotent, and the tracker only decides about loss.
 *
 * <h2>When the local cache cannot be trusted</h2>
 * <ul>
 *   <li><b>Lost messages</b> (a gap, a heartbeat's or goodbye's last number not received): {@link OnMessageLoss}.
 *       </li>
 *   <li><b>This instance disconnected</b>: {@link WhileDisconnected}; on every (re)subscription the cache is cleared
 *       before it serves again.</li>
 *   <li><b>A known sender fell silent</b> (no heartbeat for half of {@code maxStalenessWhileDisconnected}, no
 *       goodbye): it may have published something that never came (a crash mid-publish, its own network cut while it
 *       keeps writing). That is a possible loss ({@link OnMessageLoss}), and while it stays silent the instance acts
 *       as if partly disconnected: with {@code SERVE_LOCAL} the cache is cleared every half bound, so that no entry
 *       older than that is served (entries keep being cached between clears: a peer that crashed does not turn the
 *       cache off); with {@code BYPASS_CACHE} it is bypassed. This ends when the sender is heard again or forgotten
 *       (after the longer of 5 minutes and ten bounds).</li>
 * </ul>
 * Clears that come from outside (a peer's "clear everything", a loss, an unknown version) go through a
 * {@link ClearCoalescer}: at most one per {@code min(1 s, bound / 8)}.
 *
 * <h2>Why the bound holds for a silent sender</h2>
 * Let h be the last time anything from sender S arrived and B the bound. S's writes whose messages never arrived
 * completed after about h (anything earlier was covered by a number that reached this instance by h). The silence is
 * noticed by d &lt;= h + B/2 + one check period, where the cache is cleared, then again every B/2. A read at
 * r &gt;= w + B, for a write w &gt;= h, comes after d, and the last clear before it is at or after r - B/2 &gt; w:
 * what it returns was loaded after the write (a load overlapping a clear is never stored).
 *
 * <p>Thread-safe. Messages arrive on the transport's thread; timers run on the runtime's timer thread; state changes
 * are made under this object's lock.
 */
public final class InvalidationReceiver implements InvalidationTransport.Listener {

    /** What received invalidations apply to: the local cache (or its first level). */
    public interface Target {
        void invalidate(String key);

        void invalidateDependency(String dependency);

        void clear();
    }

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching.invalidation");
    private static final int MAX_OPERATIONS_PER_MESSAGE = 100_000;
    /** Senders tracked at most: far more than a fleet's instances and publish-only clients. */
    static final int MAX_SENDERS = 10_000;
    private static final long MIN_FORGET_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final InvalidatorRuntime runtime;
    private final InvalidatorOptions options;
    private final Target target;
    private final SequenceTracker tracker;
    private final InvalidationMessage.Limits limits;
    private final ClearCoalescer remoteClears;
    private final long boundNanos;
    private final long checkNanos;
    /** {@code System.nanoTime} but in tests: the receiver's notion of now (deliveries, silence, the bound). */
    private final LongSupplier nanoClock;

    /** Read on every hit: true while the cache must not be served. */
    private volatile boolean bypass;
    private boolean disconnectedBypass;
    private boolean silenceBypass;
    private volatile InvalidatorStatus.State state = InvalidatorStatus.State.CONNECTING;
    private volatile long stateSinceMillis = System.currentTimeMillis();
    private volatile long subscribedAtMillis;
    /** When anything last arrived (or the subscription was confirmed): the start of a blind period. */
    private volatile long lastDeliveryNanos;
    private long lastSilenceClearNanos;
    private ScheduledFuture<?> stalenessTimer;
    private ScheduledFuture<?> gapTimer;

    public InvalidationReceiver(InvalidatorRuntime runtime, InvalidatorOptions options, Target target) {
        this(runtime, options, target, System::nanoTime);
    }

    /** As above, with the clock given (tests move it to reach the silence, forget and staleness times). */
    InvalidationReceiver(InvalidatorRuntime runtime, InvalidatorOptions options, Target target,
                         LongSupplier nanoClock) {
        this.runtime = runtime;
        this.nanoClock = nanoClock;
        this.lastDeliveryNanos = nanoClock.getAsLong();
        this.options = options;
        this.target = target;
        this.boundNanos = options.maxStalenessWhileDisconnected().toNanos();
        this.tracker = new SequenceTracker(options.reorderWindow().toNanos(), boundNanos / 2,
                Math.max(MIN_FORGET_NANOS, 10 * boundNanos), MAX_SENDERS);
        this.limits = new InvalidationMessage.Limits(Math.max(runtime.transport.maxReceiveBytes(), 1024),
                MAX_OPERATIONS_PER_MESSAGE);
        long coalesce = Math.min(TimeUnit.SECONDS.toNanos(1), boundNanos / 8);
        this.remoteClears = new ClearCoalescer(target::clear, runtime.timers, coalesce, runtime.counters.remoteClears,
                runtime.counters.remoteClearsCoalesced);
        this.checkNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.SECONDS.toNanos(1),
                Math.min(boundNanos / 16, options.heartbeatInterval().toNanos())));
    }

    /** Applies the disconnected policy until the first subscription and starts the periodic sender check. */
    public void start() {
        synchronized (this) {
            if (options.whileDisconnected() == WhileDisconnected.BYPASS_CACHE) {
                disconnectedBypass = true;
                updateBypass();
            } else {
                scheduleStalenessBound();
            }
        }
        runtime.timers.scheduleWithFixedDelay(this::checkSenders, checkNanos, checkNanos, TimeUnit.NANOSECONDS);
    }

    /** Whether the cache must be bypassed now: read on every hit. */
    public boolean bypass() {
        return bypass;
    }

    public InvalidatorStatus.State state() {
        return state;
    }

    /** Waits until the transport delivers messages, up to {@code timeout}; returns whether it does. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (state != InvalidatorStatus.State.CONNECTED) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || state == InvalidatorStatus.State.CLOSED) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        }
    }

    /** The receiving side's part of the status. */
    public InvalidatorStatus status() {
        InvalidatorCounters c = runtime.counters;
        return runtime.status(state, bypass, stateSinceMillis)
                .loss(c.gapsDetected.sum(), c.messagesLost.sum(), tracker.senderCount(), tracker.silentCount(),
                        c.sendersFallenSilent.sum(), c.trackerOverflows.sum(), c.subscriptions.sum())
                .build();
    }

    /**
     * Stops: later transport events change nothing. A message delivered after this is neither applied nor counted
     * (the invalidator is closing, and its cache with it); one whose delivery was already under way may still be.
     */
    public void close() {
        synchronized (this) {
            setState(InvalidatorStatus.State.CLOSED);
            cancel(stalenessTimer);
            cancel(gapTimer);
            notifyAll();
        }
    }

    // ---- transport events ---------------------------------------------------------------------------------------

    @Override
    public void onMessage(byte[] bytes) {
        if (state == InvalidatorStatus.State.CLOSED) {
            return; // the transport's thread may deliver until the transport is closed, after this receiver
        }
        lastDeliveryNanos = nanoClock.getAsLong();
        try {
            receive(bytes);
        } catch (RuntimeException e) {
            // nothing a message contains may break the receiver
            runtime.counters.malformedMessages.increment();
            runtime.problems.error("apply-failed", "[{}] failed to apply an invalidation message ({}); it is ignored",
                    runtime.name, e.toString());
            LOG.debug("[{}] the failure applying a message", runtime.name, e);
        }
    }

    @Override
    public void onSubscribed() {
        synchronized (this) {
            if (state == InvalidatorStatus.State.CLOSED) {
                return;
            }
            tracker.reset();
            // whatever was missed before this moment is gone with the cache
            target.clear();
            subscribedAtMillis = System.currentTimeMillis();
            lastDeliveryNanos = nanoClock.getAsLong();
            runtime.counters.subscriptions.increment();
            InvalidatorStatus.State previous = state;
            setState(InvalidatorStatus.State.CONNECTED);
            cancel(stalenessTimer);
            disconnectedBypass = false;
            silenceBypass = false;
            updateBypass();
            notifyAll();
            if (previous == InvalidatorStatus.State.DISCONNECTED) {
                LOG.info("[{}] resubscribed to {}; cleared the local cache, serving it again", runtime.name,
                        runtime.transport.description());
            } else {
                LOG.info("[{}] subscribed to {}", runtime.name, runtime.transport.description());
            }
        }
    }

    @Override
    public void onDisconnected(String reason) {
        synchronized (this) {
            if (state != InvalidatorStatus.State.CONNECTED) {
                return;
            }
            setState(InvalidatorStatus.State.DISCONNECTED);
            if (options.whileDisconnected() == WhileDisconnected.BYPASS_CACHE) {
                disconnectedBypass = true;
                updateBypass();
                runtime.problems.warn("disconnected", "[{}] lost the subscription to {} ({}); bypassing the cache "
                        + "until it is back", runtime.name, runtime.transport.description(), reason);
            } else {
                scheduleStalenessBound();
                runtime.problems.warn("disconnected", "[{}] lost the subscription to {} ({}); serving local entries "
                        + "for at most {}, then bypassing the cache until it is back", runtime.name,
                        runtime.transport.description(), reason, options.maxStalenessWhileDisconnected());
            }
        }
    }

    // ---- receipt ------------------------------------------------------------------------------------------------

    private void receive(byte[] bytes) {
        InvalidatorCounters counters = runtime.counters;
        MessageSigner signer = runtime.signer;
        if (signer != null && !signer.verify(bytes)) {
            counters.unauthenticatedMessages.increment();
            runtime.problems.warn("unauthenticated", "[{}] rejected a message of {} bytes not signed with this "
                    + "application's messageAuthenticationKey (something without the key publishes on {}, or "
                    + "instances use different keys)", runtime.name, bytes == null ? 0 : bytes.length,
                    runtime.transport.description());
            return;
        }
        InvalidationMessage m;
        try {
            m = InvalidationMessage.decode(bytes, limits);
        } catch (InvalidationMessageFormatException e) {
            if (e.kind() == InvalidationMessageFormatException.Kind.UNKNOWN_VERSION) {
                counters.unknownVersionMessages.increment();
                runtime.problems.error("unknown-version", "[{}] received an invalidation message of {}; clearing the "
                        + "local cache rather than guessing what it invalidated (is an instance running another "
                        + "Weft version?)", runtime.name, e.getMessage());
                remoteClears.request();
            } else {
                counters.malformedMessages.increment();
                runtime.problems.warn("malformed", "[{}] ignored a malformed invalidation message ({} bytes): {}",
                        runtime.name, bytes == null ? 0 : bytes.length, e.getMessage());
            }
            return;
        }
        UUID sender = m.sender();
        if (sender.equals(runtime.instanceUuid)) {
            if (m.type() == InvalidationMessage.Type.INVALIDATION) {
                counters.ownMessagesIgnored.increment(); // pairs with messagesSent: one's own heartbeats are not counted
            }
            return;
        }
        long now = nanoClock.getAsLong();
        SequenceTracker.Verdict verdict;
        switch (m.type()) {
            case INVALIDATION:
                verdict = tracker.invalidation(sender, m.senderStartMillis(), m.sequence(), m.sentAtMillis(), now,
                        subscribedAtMillis);
                apply(m);
                break;
            case HEARTBEAT:
                verdict = tracker.heartbeat(sender, m.senderStartMillis(), m.sequence(), m.sentAtMillis(), now,
                        subscribedAtMillis);
                counters.heartbeatsReceived.increment();
                break;
            case GOODBYE:
            default:
                verdict = tracker.goodbye(sender, m.senderStartMillis(), m.sequence(), m.sentAtMillis(), now,
                        subscribedAtMillis);
                counters.goodbyesReceived.increment();
                LOG.info("[{}] {} said goodbye (last message #{})", runtime.name, sender, m.sequence());
                break;
        }
        if (verdict.duplicate()) {
            counters.duplicateMessages.increment();
            LOG.debug("[{}] message #{} from {} was seen before; applied again", runtime.name, m.sequence(), sender);
        }
        if (verdict.overflow()) {
            counters.trackerOverflows.increment();
            runtime.problems.error("tracker-full", "[{}] more than {} senders; forgot the silent ones and the least "
                    + "recently heard, and cleared the local cache (are publish-only clients created per task and "
                    + "never closed?)", runtime.name, MAX_SENDERS);
            remoteClears.request();
            // the silent senders go first: with none left, a bypass for their silence must end here, since no check
            // will report them as forgotten
            silenceChanged();
        }
        if (verdict.lost() > 0) {
            lost(verdict.lost(), verdict.lostDescription());
        }
        if (verdict.returned()) {
            LOG.info("[{}] {} is heard again", runtime.name, sender);
            silenceChanged();
        } else if (options.reorderWindow().toNanos() > 0) {
            scheduleGapCheck();
        }
    }

    private void apply(InvalidationMessage m) {
        for (Operation op : m.operations()) {
            switch (op.kind()) {
                case KEY:
                    target.invalidate(op.target());
                    break;
                case DEPENDENCY:
                    target.invalidateDependency(op.target());
                    break;
                case CLEAR:
                default:
                    remoteClears.request();
                    break;
            }
        }
        long nowMillis = System.currentTimeMillis();
        InvalidatorCounters counters = runtime.counters;
        counters.messagesReceived.increment();
        counters.operationsApplied.add(m.operations().size());
        counters.lastMessageReceivedMillis = nowMillis;
        runtime.messageLatency(nowMillis - m.sentAtMillis());
    }

    private void lost(long count, String which) {
        InvalidatorCounters counters = runtime.counters;
        counters.gapsDetected.increment();
        counters.messagesLost.add(count);
        if (options.onMessageLoss() == OnMessageLoss.CLEAR_LOCAL_CACHE) {
            remoteClears.request();
            runtime.problems.warn("gap", "[{}] {} invalidation message(s) from another instance were lost ({}); "
                    + "cleared the local cache", runtime.name, count, which);
        } else {
            runtime.problems.warn("gap", "[{}] {} invalidation message(s) from another instance were lost ({}); "
                    + "entries they invalidated may be stale until they expire (onMessageLoss = LOG_ONLY)",
                    runtime.name, count, which);
        }
    }

    // ---- time: holes, silence, the staleness bound ------------------------------------------------------------------

    private synchronized void scheduleGapCheck() {
        long deadline = tracker.nextDeadline();
        if (deadline == Long.MAX_VALUE || (gapTimer != null && !gapTimer.isDone())
                || state == InvalidatorStatus.State.CLOSED) {
            return;
        }
        long delay = Math.max(0, deadline - nanoClock.getAsLong());
        gapTimer = runtime.timers.schedule(this::checkGaps, delay, TimeUnit.NANOSECONDS);
    }

    private void checkGaps() {
        synchronized (this) {
            gapTimer = null;
        }
        checkSenders();
        scheduleGapCheck();
    }

    /** Periodic: holes past the window, senders fallen silent or forgotten, clears while one stays silent. */
    private void checkSenders() {
        try {
            if (state != InvalidatorStatus.State.CONNECTED) {
                return; // nothing arrives while disconnected; the next subscription starts afresh
            }
            long now = nanoClock.getAsLong();
            SequenceTracker.Expired expired = tracker.expire(now);
            if (expired.lost() > 0) {
                lost(expired.lost(), expired.lostDescription());
            }
            for (UUID silent : expired.newlySilent()) {
                runtime.counters.sendersFallenSilent.increment();
                runtime.problems.warn("silent", "[{}] {} fell silent: nothing from it for {} and no goodbye (a crash, "
                        + "or its own connection cut while it may keep writing); treating it as a possible loss, {} "
                        + "while it stays silent", runtime.name, silent, Duration.ofNanos(boundNanos / 2),
                        options.whileDisconnected() == WhileDisconnected.BYPASS_CACHE ? "bypassing the cache"
                                : "clearing the local cache every " + Duration.ofNanos(boundNanos / 2));
            }
            if (!expired.newlySilent().isEmpty()) {
                synchronized (this) {
                    lastSilenceClearNanos = now;
                }
                if (options.onMessageLoss() == OnMessageLoss.CLEAR_LOCAL_CACHE) {
                    target.clear();
                }
            }
            if (expired.forgotten() > 0) {
                LOG.info("[{}] forgot {} sender(s) silent for a long time", runtime.name, expired.forgotten());
            }
            if (!expired.newlySilent().isEmpty() || expired.forgotten() > 0) {
                silenceChanged();
            }
            clearWhileSilent(now);
        } catch (RuntimeException e) {
            LOG.error("[{}] the periodic check of senders failed", runtime.name, e);
        }
    }

    /** With SERVE_LOCAL: while a sender is silent, no entry older than half the bound is served. */
    private void clearWhileSilent(long now) {
        if (options.whileDisconnected() != WhileDisconnected.SERVE_LOCAL || tracker.silentCount() == 0) {
            return;
        }
        synchronized (this) {
            if (now - lastSilenceClearNanos < boundNanos / 2) {
                return;
            }
            lastSilenceClearNanos = now;
        }
        target.clear();
    }

    private synchronized void silenceChanged() {
        silenceBypass = tracker.silentCount() > 0 && options.whileDisconnected() == WhileDisconnected.BYPASS_CACHE;
        updateBypass();
    }

    /** Guarded by this. */
    private void updateBypass() {
        bypass = disconnectedBypass || silenceBypass;
    }

    private void setState(InvalidatorStatus.State s) {
        state = s;
        stateSinceMillis = System.currentTimeMillis();
    }

    /**
     * Guarded by this: after the allowed staleness, stop serving local entries if still not subscribed. The staleness
     * counts from the last delivery, not from the moment the loss was noticed: a transport that notices late (Service
     * Bus, by probes) must not add its delay to the bound.
     */
    private void scheduleStalenessBound() {
        cancel(stalenessTimer);
        // one check period early: a timer that fires late on a loaded machine still keeps the bound
        long delay = Math.max(0, lastDeliveryNanos + boundNanos - checkNanos - nanoClock.getAsLong());
        stalenessTimer = runtime.timers.schedule(() -> {
            synchronized (InvalidationReceiver.this) {
                if (state != InvalidatorStatus.State.CONNECTED && state != InvalidatorStatus.State.CLOSED) {
                    disconnectedBypass = true;
                    updateBypass();
                    runtime.problems.warn("bypassing", "[{}] nothing received for {}; bypassing the cache until the "
                            + "subscription is back", runtime.name, options.maxStalenessWhileDisconnected());
                }
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
