package dev.weft.caching.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.internal.InvalidationReceiver;
import dev.weft.caching.invalidation.internal.InvalidatorRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

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
 * After any single fault (a lost message, a sender's last messages lost, a sender cut off from the transport while
 * it keeps writing, a crash mid-publish, a broker restart, a forged or garbled message on the channel), this instance
 * stops returning values older than the fault within {@link InvalidatorOptions#maxStalenessWhileDisconnected()}, and
 * counts it:
 * <ul>
 *   <li><b>Loss is detected.</b> Each message carries the sender's id and a sequence number; a gap (after the
 *       reorder window) clears the local cache, or does what {@link OnMessageLoss} says, and is counted. Every
 *       instance sends a heartbeat with its last number when it published nothing for
 *       {@link InvalidatorOptions#heartbeatInterval()}, and a goodbye when it closes, so that the loss of a sender's
 *       last messages shows too, and a sender that falls silent without a goodbye is treated as a possible loss.</li>
 *   <li><b>Receipt is idempotent.</b> Every well-formed invalidation is applied, duplicates included: no message can
 *       make this instance ignore later ones.</li>
 *   <li><b>Outages are survived.</b> On every (re)subscription the local cache is cleared before it serves again;
 *       during an outage {@link WhileDisconnected} decides whether local entries are served, for a bounded time.</li>
 *   <li><b>Writes never stall.</b> While the transport is known down, an invalidation applies locally and returns at
 *       once; what could not be sent goes out as one "clear everything" when the transport is back.</li>
 *   <li><b>No stale write-back</b>, for remote invalidations too: they go through the local backend's invalidation
 *       calls, which refuse the store of any load they overlapped.</li>
 *   <li><b>Bad input is contained.</b> A malformed message is counted, logged and ignored; a message of an unknown
 *       format version clears the local cache (at most once per moment, however many arrive). With
 *       {@link InvalidatorOptions#messageAuthenticationKey()}, a message not signed with the key is rejected and
 *       counted, and can neither invalidate nor clear. Nothing ever reaches the caller's thread.</li>
 * </ul>
 *
 * <p>Reads and stores delegate to the local backend; this class adds only the bypass check, so that what the local
 * backend offers beyond the {@link CachingBackend} basics is easy to forward.
 *
 * <p>Thread-safe. {@link #close()} flushes pending invalidations (bounded), says goodbye, stops the transport and
 * closes the local backend.
 */
public final class CacheInvalidator implements CachingBackend, InvalidationPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidator.class);

    private final CachingBackend local;
    private final InvalidatorRuntime runtime;
    private final InvalidationReceiver receiver;
    private final Object closeLock = new Object();
    private boolean closed;

    private CacheInvalidator(CachingBackend local, InvalidationTransport transport, InvalidatorOptions options) {
        this.local = Objects.requireNonNull(local, "local backend");
        Objects.requireNonNull(options, "options");
        this.runtime = new InvalidatorRuntime(transport, options, true);
        this.receiver = new InvalidationReceiver(runtime, options, new InvalidationReceiver.Target() {
            @Override
            public void invalidate(String key) {
                local.invalidate(key);
            }

            @Override
            public void invalidateDependency(String dependency) {
                local.invalidateDependency(dependency);
            }

            @Override
            public void clear() {
                local.clear();
            }
        });
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

    /**
     * A publish-only client on {@code transport}, which it owns and which is ready to publish (the transport modules
     * open its connection first): it sends invalidations, heartbeats and a goodbye, and receives nothing.
     */
    public static InvalidationPublisher publisher(InvalidationTransport transport, InvalidatorOptions options) {
        InvalidatorRuntime runtime = new InvalidatorRuntime(transport, options, false);
        runtime.startSending();
        return new PublishOnlyClient(runtime);
    }

    private void start() {
        receiver.start();
        try {
            runtime.transport.start(receiver);
        } catch (RuntimeException e) {
            receiver.close();
            runtime.shutdown();
            throw e;
        }
        runtime.startSending();
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
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return receiver.awaitConnected(timeout);
    }

    // ---- CachingBackend: reads and stores go to the local backend ----------------------------------------------

    @Override
    public CacheItem get(ItemKey key) {
        return receiver.bypass() ? null : local.get(key);
    }

    @Override
    public ItemRead read(ItemKey key) {
        // while bypassing, nothing local is served, not even as a fail-safe value: it may have missed invalidations
        return receiver.bypass() ? null : local.read(key);
    }

    @Override
    public LoadToken beginLoad(ItemKey key) {
        return local.beginLoad(key);
    }

    @Override
    public boolean set(LoadToken load, CacheItem item) {
        if (receiver.bypass()) {
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
        return receiver.bypass() || local.isStale(load, dependencies);
    }

    // ---- invalidations: here first, then everywhere ------------------------------------------------------------

    @Override
    public void invalidate(String key) {
        local.invalidate(key);
        runtime.publish(Operation.key(key));
    }

    @Override
    public void invalidateDependency(String dependency) {
        local.invalidateDependency(dependency);
        runtime.publish(Operation.dependency(dependency));
    }

    @Override
    public void clear() {
        local.clear();
        runtime.publish(Operation.clear());
    }

    // ---- state --------------------------------------------------------------------------------------------------

    @Override
    public InvalidatorStatus status() {
        return receiver.status();
    }

    /**
     * Flushes pending invalidations (for at most the publish timeout), says goodbye, stops the transport, closes the
     * local backend.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        receiver.close();
        runtime.shutdown();
        local.close();
        LOG.info("[{}] invalidator closed", runtime.name);
    }

    @Override
    public String toString() {
        return "CacheInvalidator{" + runtime.name + " on " + runtime.transport.description() + " over " + local + '}';
    }

    /** The publish-only client: the same sender (heartbeats and goodbye too), no local backend, no subscription. */
    private static final class PublishOnlyClient implements InvalidationPublisher {
        private final InvalidatorRuntime runtime;
        private final long since = System.currentTimeMillis();
        private volatile boolean closed;

        PublishOnlyClient(InvalidatorRuntime runtime) {
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
                    false, since).build();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                runtime.shutdown();
            }
        }
    }
}
