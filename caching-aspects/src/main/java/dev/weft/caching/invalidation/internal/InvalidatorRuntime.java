package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.invalidation.InvalidatorStatus;
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
 * What an invalidator and a publish-only client share: the instance identity, the transport, the sender, the
 * scheduler thread, the counters.
 */
public final class InvalidatorRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidatorRuntime.class);

    public final InvalidationTransport transport;
    public final UUID instanceUuid = UUID.randomUUID();
    public final long startMillis = System.currentTimeMillis();
    /** Readable id: prefix, host, the first 8 hex digits of the random id. */
    public final String name;
    public final InvalidatorCounters counters = new InvalidatorCounters();
    public final ScheduledExecutorService scheduler;
    private final MessageSender sender;
    private final InvalidatorOptions options;
    private volatile LongConsumer latencyListener = millis -> { };

    public InvalidatorRuntime(InvalidationTransport transport, InvalidatorOptions options) {
        this.transport = transport;
        this.options = options;
        this.name = options.instanceIdPrefix() + "-" + hostName() + "-" + instanceUuid.toString().substring(0, 8);
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("weft-invalidator-" + instanceUuid.toString().substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
        int maxBytes = options.maxMessageBytes() > 0
                ? Math.min(options.maxMessageBytes(), transport.maxMessageBytes()) : transport.maxMessageBytes();
        this.sender = new MessageSender(transport, instanceUuid, startMillis, name, maxBytes,
                options.maxPendingOperations(), options.publishTimeout().toNanos(), scheduler, counters);
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

    /** Publishes an operation and, in {@link PublishMode#AWAIT_ACK}, waits for the transport's acknowledgement. */
    public void publish(Operation op) {
        boolean await = options.publishMode() == PublishMode.AWAIT_ACK;
        CompletableFuture<Void> ack = sender.send(op, await);
        if (ack == null) {
            return;
        }
        try {
            ack.get(options.publishTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            counters.publishTimeouts.increment();
            LOG.warn("[{}] the transport did not acknowledge {} within {}; it stays queued and will be sent when the "
                    + "transport is back", name, op, options.publishTimeout());
        } catch (ExecutionException e) {
            LOG.warn("[{}] {} was not published: {}", name, op, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reports the latency of an applied message, sender's clock to this instance's, in milliseconds. */
    public void messageLatency(long millis) {
        latencyListener.accept(millis);
    }

    public void setLatencyListener(LongConsumer listener) {
        this.latencyListener = listener;
    }

    public InvalidatorStatus status(InvalidatorStatus.State state, boolean bypass, long stateSinceMillis) {
        return new InvalidatorStatus(name, transport.description(), state, bypass, Instant.ofEpochMilli(stateSinceMillis),
                instant(counters.lastMessageReceivedMillis), instant(counters.lastMessageSentMillis),
                counters.messagesSent.sum(), counters.operationsSent.sum(), counters.messagesReceived.sum(),
                counters.operationsApplied.sum(), counters.ownMessagesIgnored.sum(),
                counters.duplicateMessages.sum(), counters.gapsDetected.sum(), counters.messagesLost.sum(),
                counters.malformedMessages.sum(), counters.unknownVersionMessages.sum(),
                counters.publishFailures.sum(), counters.publishTimeouts.sum(), counters.subscriptions.sum(),
                sender.pendingOperations(), transport.details());
    }

    private static Instant instant(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** Flushes (bounded by the publish timeout), closes the transport, stops the scheduler. */
    public void shutdown() {
        sender.close(options.publishTimeout().toMillis());
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("[{}] closing the transport failed", name, e);
        }
        scheduler.shutdownNow();
    }
}
