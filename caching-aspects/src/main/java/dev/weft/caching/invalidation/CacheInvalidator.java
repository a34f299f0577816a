package dev.weft.caching.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.internal.InvalidatorCounters;
import dev.weft.caching.invalidation.internal.InvalidatorRuntime;
import dev.weft.caching.invalidation.internal.SequenceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CachingBackend} that keeps a local backend in sync with the local backends of other instances: local
 * invalidations apply here, then travel to every instance through a transport; other instances' invalidations apply
 * to the local backend only (never re-published). Reads and stores go to the local backend; filling the cache on a
 * miss publishes nothing.
 *
 * <p>Transport modules create it ({@code RedisCacheInvalidator.create(local, redisClient, options)}); {@link
 * #create(CachingBackend, InvalidationTransport, InvalidatorOptions)} is for other transports.
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li><b>Loss is detected.</b> Each message carries the sender's id and a sequence number; a gap (after the
 *       reorder window) clears the local cache, or does what {@link OnMessageLoss} says, and is counted.</li>
 *   <li><b>Outages are survived.</b> On every (re)subscription the local cache is cleared before it serves again;
 *       during an outage {@link WhileDisconnected} decides whether local entries are served, for a bounded time.</li>
 *   <li><b>No stale write-back</b>, for remote invalidations too: they go through the local backend's invalidation
 *       calls, which refuse the store of any load they overlapped.</li>
 *   <li><b>Nothing is lost on the way out.</b> See {@link PublishMode} and the group commit of the sender.</li>
 *   <li><b>Bad input is contained.</b> A malformed message is counted, logged and ignored; a message of an unknown
 *       format version clears the local cache. Neither ever reaches the caller's thread.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} flushes pending invalidations (bounded), stops the transport and closes the local
 * backend.
 */
public final class CacheInvalidator implements CachingBackend, InvalidationPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidator.class);
    private static final int MAX_OPERATIONS_PER_MESSAGE = 100_000;

    private final CachingBackend local;
    private final InvalidatorRuntime runtime;
    private final InvalidatorOptions options;
    private final SequenceTracker tracker;
    private final InvalidationMessage.Limits limits;
    private final InvalidationTransport.Listener listener = new TransportListener();

    /** Read on every hit: true while the cache must not be served (see {@link WhileDisconnected}). */
    private volatile boolean bypass;
    private volatile InvalidatorStatus.State state = InvalidatorStatus.State.CONNECTING;
    private volatile long stateSinceMillis = System.currentTimeMillis();
    private volatile long subscribedAtMillis;
    private ScheduledFuture<?> stalenessTimer;
    private ScheduledFuture<?> gapTimer;

    private CacheInvalidator(CachingBackend local, InvalidationTransport transport, InvalidatorOptions options) {
        this.local = Objects.requireNonNull(local, "local backend");
        this.options = Objects.requireNonNull(options, "options");
        this.runtime = new InvalidatorRuntime(transport, options);
        this.tracker = new SequenceTracker(options.reorderWindow().toNanos());
        this.limits = new InvalidationMessage.Limits(Math.max(transport.maxReceiveBytes(), 1024),
                MAX_OPERATIONS_PER_MESSAGE);
    }

    /**
     * Wraps {@code local} and starts receiving through {@code transport}. The invalidator owns the transport; it
     * closes {@code local} when it is closed.
     *
     * @throws RuntimeException what the transport throws for a configuration it cannot start with
     */
    public static CacheInvalidator create(CachingBackend local, InvalidationTransport transport,
                                          InvalidatorOptions options) {
        CacheInvalidator invalidator = new CacheInvalidator(local, transport, options);
        invalidator.start();
        return invalidator;
    }

    /** A publish-only client on {@code transport}, which it owns: it sends invalidations and receives nothing. */
    public static InvalidationPublisher publisher(InvalidationTransport transport, InvalidatorOptions options) {
        return new PublishOnlyClient(new InvalidatorRuntime(transport, options), options);
    }

    private void start() {
        if (options.whileDisconnected() == WhileDisconnected.BYPASS_CACHE) {
            bypass = true;
        } else {
            scheduleStalenessBound();
        }
        try {
            runtime.transport.start(listener);
        } catch (RuntimeException e) {
            runtime.shutdown();
            throw e;
        }
        LOG.info("[{}] invalidator started on {}", runtime.name, runtime.transport.description());
    }

    /** The id of this instance, as logs, status and peers' gap reports show it. */
    public String instanceId() {
        return runtime.name;
    }

    /**
     * Calls {@code listener} with the latency of every message applied from now on: milliseconds from its sending, on
     * the sender's clock, to its application here, on this instance's (so it includes the two clocks' offset). For
     * metrics; the listener runs on the transport's thread and must be quick.
     */
    public void setMessageLatencyListener(java.util.function.LongConsumer listener) {
        runtime.setLatencyListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Waits until the transport delivers messages, up to {@code timeout}; returns whether it does. */
    public boolean awaitConnected(java.time.Duration timeout) throws InterruptedException {
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

    // ---- CachingBackend: reads and stores go to the local backend ----------------------------------------------

    @Override
    public CacheItem get(ItemKey key) {
        return bypass ? null : local.get(key);
    }

    @Override
    public ItemRead read(ItemKey key) {
        return bypass ? null : local.read(key);
    }

    @Override
    public LoadToken beginLoad(ItemKey key) {
        return local.beginLoad(key);
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        if (bypass) {
            local.abandon(load);
            return false;
        }
        return local.set(load, item);
    }

    @Override
    public void abandon(LoadToken load) {
        local.abandon(load);
    }

    @Override
    public boolean isStale(LoadToken load, Set<String> dependencies) {
        return bypass || local.isStale(load, dependencies);
    }

    // ---- invalidations: here first, then everywhere ------------------------------------------------------------

    @Override
    public void invalidate(String key) {
        local.invalidate(key);
        publish(Operation.key(key));
    }

    @Override
    public void invalidateDependency(String dependency) {
        local.invalidateDependency(dependency);
        publish(Operation.dependency(dependency));
    }

    @Override
    public void clear() {
        local.clear();
        publish(Operation.clear());
    }

    private void publish(Operation op) {
        runtime.publish(op);
    }

    // ---- receiving ----------------------------------------------------------------------------------------------

    private final class TransportListener implements InvalidationTransport.Listener {

        @Override
        public void onMessage(byte[] bytes) {
            try {
                receive(bytes);
            } catch (RuntimeException e) {
                // nothing a message contains may break the receiver
                runtime.counters.malformedMessages.increment();
                LOG.error("[{}] failed to apply an invalidation message; it is ignored", runtime.name, e);
            }
        }

        @Override
        public void onSubscribed() {
            synchronized (CacheInvalidator.this) {
                if (state == InvalidatorStatus.State.CLOSED) {
                    return;
                }
                tracker.reset();
                // whatever was missed before this moment is gone with the cache
                local.clear();
                subscribedAtMillis = System.currentTimeMillis();
                runtime.counters.subscriptions.increment();
                InvalidatorStatus.State previous = state;
                setState(InvalidatorStatus.State.CONNECTED);
                cancel(stalenessTimer);
                bypass = false;
                CacheInvalidator.this.notifyAll();
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
            synchronized (CacheInvalidator.this) {
                if (state != InvalidatorStatus.State.CONNECTED) {
                    return;
                }
                setState(InvalidatorStatus.State.DISCONNECTED);
                if (options.whileDisconnected() == WhileDisconnected.BYPASS_CACHE) {
                    bypass = true;
                    LOG.warn("[{}] lost the subscription to {} ({}); bypassing the cache until it is back",
                            runtime.name, runtime.transport.description(), reason);
                } else {
                    scheduleStalenessBound();
                    LOG.warn("[{}] lost the subscription to {} ({}); serving local entries for at most {}, then "
                            + "bypassing the cache until it is back", runtime.name, runtime.transport.description(),
                            reason, options.maxStalenessWhileDisconnected());
                }
            }
        }
    }

    private void receive(byte[] bytes) {
        InvalidationMessage m;
        try {
            m = InvalidationMessage.decode(bytes, limits);
        } catch (InvalidationMessageFormatException e) {
            if (e.kind() == InvalidationMessageFormatException.Kind.UNKNOWN_VERSION) {
                runtime.counters.unknownVersionMessages.increment();
                LOG.error("[{}] received an invalidation message of {}; clearing the local cache rather than guessing "
                        + "what it invalidated (is an instance running a newer Weft?)", runtime.name, e.getMessage());
                local.clear();
            } else {
                runtime.counters.malformedMessages.increment();
                LOG.warn("[{}] ignored a malformed invalidation message ({} bytes): {}", runtime.name,
                        bytes == null ? 0 : bytes.length, e.getMessage());
            }
            return;
        }
        if (m.sender().equals(runtime.instanceUuid)) {
            runtime.counters.ownMessagesIgnored.increment();
            return;
        }
        SequenceTracker.Verdict verdict = tracker.accept(m.sender(), m.senderStartMillis(), m.sequence(),
                System.nanoTime(), subscribedAtMillis);
        if (verdict.duplicate()) {
            runtime.counters.duplicateMessages.increment();
            LOG.debug("[{}] ignored duplicate message #{} from {}", runtime.name, m.sequence(), m.sender());
            return;
        }
        for (Operation op : m.operations()) {
            switch (op.kind()) {
                case KEY:
                    local.invalidate(op.target());
                    break;
                case DEPENDENCY:
                    local.invalidateDependency(op.target());
                    break;
                case CLEAR:
                default:
                    local.clear();
                    break;
            }
        }
        long now = System.currentTimeMillis();
        runtime.counters.messagesReceived.increment();
        runtime.counters.operationsApplied.add(m.operations().size());
        runtime.counters.lastMessageReceivedMillis = now;
        runtime.messageLatency(now - m.sentAtMillis());
        if (verdict.lost() > 0) {
            lost(verdict.lost(), m.sender() + " #" + verdict.firstLost()
                    + (verdict.lost() > 1 ? ".." + (verdict.firstLost() + verdict.lost() - 1) : ""));
        } else if (options.reorderWindow().toNanos() > 0) {
            scheduleGapCheck();
        }
    }

    private synchronized void scheduleGapCheck() {
        long deadline = tracker.nextDeadline();
        if (deadline == Long.MAX_VALUE || (gapTimer != null && !gapTimer.isDone())) {
            return;
        }
        long delay = Math.max(0, deadline - System.nanoTime());
        gapTimer = runtime.scheduler.schedule(this::checkGaps, delay, TimeUnit.NANOSECONDS);
    }

    private void checkGaps() {
        SequenceTracker.Expired expired = tracker.expire(System.nanoTime());
        if (expired.lost() > 0) {
            lost(expired.lost(), expired.description());
        }
        synchronized (this) {
            gapTimer = null;
        }
        scheduleGapCheck();
    }

    private void lost(long count, String which) {
        runtime.counters.gapsDetected.increment();
        runtime.counters.messagesLost.add(count);
        if (options.onMessageLoss() == OnMessageLoss.CLEAR_LOCAL_CACHE) {
            local.clear();
            LOG.warn("[{}] {} invalidation message(s) from another instance were lost ({}); cleared the local cache",
                    runtime.name, count, which);
        } else {
            LOG.warn("[{}] {} invalidation message(s) from another instance were lost ({}); entries they invalidated "
                    + "may be stale until they expire (onMessageLoss = LOG_ONLY)", runtime.name, count, which);
        }
    }

    // ---- state --------------------------------------------------------------------------------------------------

    private void setState(InvalidatorStatus.State s) {
        state = s;
        stateSinceMillis = System.currentTimeMillis();
    }

    /** Guarded by this: after the allowed staleness, stop serving local entries if still not subscribed. */
    private void scheduleStalenessBound() {
        cancel(stalenessTimer);
        stalenessTimer = runtime.scheduler.schedule(() -> {
            synchronized (CacheInvalidator.this) {
                if (state != InvalidatorStatus.State.CONNECTED && state != InvalidatorStatus.State.CLOSED) {
                    bypass = true;
                    LOG.warn("[{}] not subscribed for {}; bypassing the cache until the subscription is back",
                            runtime.name, options.maxStalenessWhileDisconnected());
                }
            }
        }, options.maxStalenessWhileDisconnected().toNanos(), TimeUnit.NANOSECONDS);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public InvalidatorStatus status() {
        return runtime.status(state, bypass, stateSinceMillis);
    }

    /** Flushes pending invalidations (for at most the publish timeout), stops the transport, closes the local backend. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == InvalidatorStatus.State.CLOSED) {
                return;
            }
            setState(InvalidatorStatus.State.CLOSED);
            cancel(stalenessTimer);
            cancel(gapTimer);
            notifyAll();
        }
        runtime.shutdown();
        local.close();
        LOG.info("[{}] invalidator closed", runtime.name);
    }

    @Override
    public String toString() {
        return "CacheInvalidator{" + runtime.name + " on " + runtime.transport.description() + " over " + local + '}';
    }

    /** The publish-only client: the same sender, no local backend, no subscription. */
    private static final class PublishOnlyClient implements InvalidationPublisher {
        private final InvalidatorRuntime runtime;
        private final long since = System.currentTimeMillis();
        private volatile boolean closed;

        PublishOnlyClient(InvalidatorRuntime runtime, InvalidatorOptions options) {
            this.runtime = runtime;
            LOG.info("[{}] publish-only invalidation client on {}", runtime.name, runtime.transport.description());
        }

        @Override
        public void invalidate(String key) {
            runtime.publish(Operation.key(key));
        }

        @Override
        public void invalidateDependency(String dependency) {
            runtime.publish(Operation.dependency(dependency));
        }

        @Override
        public void clear() {
            runtime.publish(Operation.clear());
        }

        @Override
        public InvalidatorStatus status() {
            return runtime.status(closed ? InvalidatorStatus.State.CLOSED : InvalidatorStatus.State.PUBLISH_ONLY,
                    false, since);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                runtime.shutdown();
            }
        }
    }
}
