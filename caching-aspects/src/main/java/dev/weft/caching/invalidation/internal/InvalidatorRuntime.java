package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.ProblemLog;
import dev.weft.caching.invalidation.PublishMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * What an invalidator and a publish-only client share: the instance identity, the transport, the sender with its
 * heartbeats, the signer, the counters, and the threads.
 *
 * <p>Two threads, so that neither can delay the other: the sender's (retries, heartbeats, the attempt watchdog) and,
 * for a receiving invalidator, the timers' (the staleness bound, reorder-window deadlines, silent senders).
 * Both are daemon threads named after the instance.
 */
public final class InvalidatorRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidatorRuntime.class);

    public final InvalidationTransport transport;
    public final UUID instanceUuid = UUID.randomUUID();
    public final long startMillis = System.currentTimeMillis();
    /** Readable id: prefix, host, the first 8 hex digits of the random id. */
    public final String name;
    public final InvalidatorCounters counters = new InvalidatorCounters();
    /** WARN/ERROR lines of the invalidation package, one per kind of problem per interval. */
    public final ProblemLog problems;
    /** The receiving side's timers; {@code null} for a publish-only client. */
    public final ScheduledExecutorService timers;
    /** Checks received messages' signatures, or {@code null} without a key. */
    public final MessageSigner signer;
    private final ScheduledExecutorService senderThread;
    private final MessageSender sender;
    private final InvalidatorOptions options;
    private volatile LongConsumer latencyListener = millis -> { };

    /**
     * @param receives whether this runtime serves an invalidator that subscribes (it then gets a timer thread)
     */
    public InvalidatorRuntime(InvalidationTransport transport, InvalidatorOptions options, boolean receives) {
        this(transport, options, receives, new ProblemLog(LoggerFactory.getLogger("dev.weft.caching.invalidation")));
    }

    /** As above, with the problem log given (tests shorten its interval). */
    public InvalidatorRuntime(InvalidationTransport transport, InvalidatorOptions options, boolean receives,
                              ProblemLog problems) {
        this.transport = transport;
        this.options = options;
        this.problems = problems;
        String shortId = instanceUuid.toString().substring(0, 8);
        this.name = options.instanceIdPrefix() + "-" + hostName() + "-" + shortId;
        byte[] key = options.messageAuthenticationKey();
        this.signer = key == null ? null : new MessageSigner(key);
        this.senderThread = daemonScheduler("weft-sender-" + shortId);
        this.timers = receives ? daemonScheduler("weft-timers-" + shortId) : null;
        int maxBytes = options.maxMessageBytes() > 0
                ? Math.min(options.maxMessageBytes(), transport.maxMessageBytes()) : transport.maxMessageBytes();
        long heartbeat = options.heartbeatInterval().toNanos();
        this.sender = new MessageSender(transport, instanceUuid, startMillis, name, signer, maxBytes,
                options.maxPendingOperations(), options.publishTimeout().toNanos(), heartbeat,
                options.maxStalenessWhileDisconnected().toNanos() / 4, senderThread, counters, problems);
    }

    /**
     * Starts the sender's periodic work (heartbeats, the watchdog), once the transport is started: before, it could
     * only find that the transport cannot publish yet, and open the circuit for nothing.
     */
    public void startSending() {
        // often enough for the heartbeat to go out within a quarter interval of its due time, and for the watchdog to
        // notice an unanswered attempt soon after the publish timeout
        long tick = Math.min(options.heartbeatInterval().toNanos(), options.publishTimeout().toNanos()) / 4;
        tick = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.MILLISECONDS.toNanos(500), tick));
        senderThread.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    private static ScheduledExecutorService daemonScheduler(String threadName) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName(threadName);
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    private void tick() {
        try {
            sender.tick();
        } catch (RuntimeException e) {
            LOG.error("[{}] the sender's periodic check failed", name, e);
        }
    }

    /** A host name fit for ids: lower case letters, digits and dashes, at most 16 characters. */
    static String hostName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        String clean = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        clean = clean.length() > 16 ? clean.substring(0, 16) : clean;
        return clean.isEmpty() ? "host" : clean;
    }

    /**
     * Publishes an operation and, in {@link PublishMode#AWAIT_ACK} while the transport is healthy, waits for the
     * transport's acknowledgement (at most the publish timeout). While the transport is known down or throttling it
     * returns at once.
     *
     * <p>A call is counted once: in {@code publishTimeouts} if it gave up waiting, in {@code deferredInvalidations} if
     * the sender released it first (the circuit left the closed state), in neither if its message was accepted. Which
     * one is decided by who completes the acknowledgement first: this caller when it gives up (exceptionally), or the
     * sender; the sender counts a release only for the acknowledgements it completed itself.
     */
    public void publish(Operation op) {
        boolean await = options.publishMode() == PublishMode.AWAIT_ACK;
        CompletableFuture<Void> ack = sender.send(carriable(op), await);
        if (ack == null || ack.isDone()) {
            return;
        }
        try {
            ack.get(options.publishTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (!ack.completeExceptionally(e)) {
                return; // released (counted as deferred) or accepted between the timeout and now: not a timeout
            }
            counters.publishTimeouts.increment();
            problems.warn("ack-timeout", "[{}] the transport did not acknowledge an invalidation ({}) within {}; it "
                    + "stays queued and is sent when the transport takes it", name, op.kind(),
                    options.publishTimeout());
        } catch (ExecutionException e) {
            problems.warn("not-published", "[{}] an invalidation ({}) was not published: {}", name, op.kind(),
                    e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code op}, or a "clear everything" when its target holds a lone surrogate (a string cut inside a character, such
     * as {@code name.substring(0, 10)} through an emoji): UTF-8 cannot carry it, the encoder would send {@code ?} in
     * its place, and peers would invalidate another key and keep the stale entry without any alarm.
     */
    private Operation carriable(Operation op) {
        String target = op.target();
        if (target == null || wellFormed(target)) {
            return op;
        }
        problems.error("lone-surrogate", "[{}] an invalidation ({}) names a target with a lone surrogate character, "
                + "which no message can carry exactly; publishing a 'clear everything' instead", name, op.kind());
        LOG.debug("[{}] the invalidation with a lone surrogate: {}", name, target);
        return Operation.clear();
    }

    /** Whether {@code s} is well-formed UTF-16: every surrogate is part of a pair. */
    static boolean wellFormed(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** Reports the latency of an applied message, sender's clock to this instance's, in milliseconds. */
    public void messageLatency(long millis) {
        latencyListener.accept(millis);
    }

    public void setLatencyListener(LongConsumer listener) {
        this.latencyListener = listener;
    }

    /** The sender's side of the status, and the counters; the caller adds the receiving side's state. */
    public InvalidatorStatus.Builder status(InvalidatorStatus.State state, boolean bypass, long stateSinceMillis) {
        InvalidatorCounters c = counters;
        return InvalidatorStatus.builder(name, transport.description(), state)
                .bypassingCache(bypass)
                .stateSince(Instant.ofEpochMilli(stateSinceMillis))
                .lastMessages(instant(c.lastMessageReceivedMillis), instant(c.lastMessageSentMillis))
                .publishing(c.messagesSent.sum(), c.operationsSent.sum(), c.publishFailures.sum(),
                        c.publishTimeouts.sum(), c.deferredInvalidations.sum(), sender.pendingOperations(),
                        InvalidatorStatus.PublishCircuit.valueOf(sender.circuit().name()), c.heartbeatsSent.sum())
                .receiving(c.messagesReceived.sum(), c.operationsApplied.sum(), c.ownMessagesIgnored.sum(),
                        c.duplicateMessages.sum(), c.malformedMessages.sum(), c.unknownVersionMessages.sum(),
                        c.unauthenticatedMessages.sum(), c.heartbeatsReceived.sum(), c.goodbyesReceived.sum())
                .details(transport.details());
    }

    private static Instant instant(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis);
    }

    /**
     * Flushes (bounded by the publish timeout) and says goodbye, closes the transport, stops the threads. The timers
     * stop first, so that no timer acts on a closing invalidator.
     */
    public void shutdown() {
        if (timers != null) {
            timers.shutdownNow();
        }
        sender.close(options.publishTimeout().toMillis());
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("[{}] closing the transport failed", name, e);
        }
        senderThread.shutdownNow();
    }
}
