package dev.weft.caching.invalidation;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of an invalidator's health: connection state and counters since it started. Immutable. Counters only
 * grow; monitor {@link #gapsDetected()}, {@link #malformedMessages()} and {@link #publishFailures()}, and alert when
 * {@link #connected()} stays false.
 */
public final class InvalidatorStatus {

    /** Where the invalidator is in its life. */
    public enum State {
        /** Started, not yet subscribed: serving by the {@link WhileDisconnected} policy. */
        CONNECTING,
        /** Subscribed: other instances' invalidations arrive. */
        CONNECTED,
        /** Lost its subscription: serving by the {@link WhileDisconnected} policy until it is back. */
        DISCONNECTED,
        /** A publish-only client: it never subscribes. */
        PUBLISH_ONLY,
        /** Closed. */
        CLOSED
    }

    private final String instanceId;
    private final String transport;
    private final State state;
    private final boolean bypassingCache;
    private final Instant stateSince;
    private final Instant lastMessageReceived;
    private final Instant lastMessageSent;
    private final long messagesSent;
    private final long operationsSent;
    private final long messagesReceived;
    private final long operationsApplied;
    private final long ownMessagesIgnored;
    private final long duplicateMessages;
    private final long gapsDetected;
    private final long messagesLost;
    private final long malformedMessages;
    private final long unknownVersionMessages;
    private final long publishFailures;
    private final long publishTimeouts;
    private final long subscriptions;
    private final long pendingOperations;
    private final Map<String, String> details;

    /** Built by the invalidator. */
    public InvalidatorStatus(String instanceId, String transport, State state, boolean bypassingCache,
                             Instant stateSince, Instant lastMessageReceived, Instant lastMessageSent,
                             long messagesSent, long operationsSent, long messagesReceived, long operationsApplied,
                             long ownMessagesIgnored, long duplicateMessages, long gapsDetected, long messagesLost,
                             long malformedMessages, long unknownVersionMessages, long publishFailures,
                             long publishTimeouts, long subscriptions, long pendingOperations,
                             Map<String, String> details) {
        this.instanceId = instanceId;
        this.transport = transport;
        this.state = state;
        this.bypassingCache = bypassingCache;
        this.stateSince = stateSince;
        this.lastMessageReceived = lastMessageReceived;
        this.lastMessageSent = lastMessageSent;
        this.messagesSent = messagesSent;
        this.operationsSent = operationsSent;
        this.messagesReceived = messagesReceived;
        this.operationsApplied = operationsApplied;
        this.ownMessagesIgnored = ownMessagesIgnored;
        this.duplicateMessages = duplicateMessages;
        this.gapsDetected = gapsDetected;
        this.messagesLost = messagesLost;
        this.malformedMessages = malformedMessages;
        this.unknownVersionMessages = unknownVersionMessages;
        this.publishFailures = publishFailures;
        this.publishTimeouts = publishTimeouts;
        this.subscriptions = subscriptions;
        this.pendingOperations = pendingOperations;
        this.details = Map.copyOf(details);
    }

    /** This instance's readable id (prefix, host, random part). */
    public String instanceId() {
        return instanceId;
    }

    /** The transport, as {@link InvalidationTransport#description()} gives it. */
    public String transport() {
        return transport;
    }

    public State state() {
        return state;
    }

    /** Whether other instances' invalidations arrive now. */
    public boolean connected() {
        return state == State.CONNECTED;
    }

    /** Whether the cache is bypassed now (disconnected past the allowed staleness, or by policy). */
    public boolean bypassingCache() {
        return bypassingCache;
    }

    /** When the current state began. */
    public Instant stateSince() {
        return stateSince;
    }

    /** When the last message from another instance arrived, or {@code null}. */
    public Instant lastMessageReceived() {
        return lastMessageReceived;
    }

    /** When this instance last had a message accepted by the transport, or {@code null}. */
    public Instant lastMessageSent() {
        return lastMessageSent;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long operationsSent() {
        return operationsSent;
    }

    /** Messages from other instances that were applied. */
    public long messagesReceived() {
        return messagesReceived;
    }

    public long operationsApplied() {
        return operationsApplied;
    }

    public long ownMessagesIgnored() {
        return ownMessagesIgnored;
    }

    /** Messages whose sequence number was already seen (replays, redeliveries): ignored. */
    public long duplicateMessages() {
        return duplicateMessages;
    }

    /** Times a sequence gap showed lost messages (each cleared the local cache, unless the policy says otherwise). */
    public long gapsDetected() {
        return gapsDetected;
    }

    /** Messages known lost, summed over the gaps. */
    public long messagesLost() {
        return messagesLost;
    }

    /** Messages rejected as malformed (counted, logged and ignored). */
    public long malformedMessages() {
        return malformedMessages;
    }

    /** Messages of an unknown format version (each cleared the local cache). */
    public long unknownVersionMessages() {
        return unknownVersionMessages;
    }

    /** Publish attempts the transport refused (they are retried). */
    public long publishFailures() {
        return publishFailures;
    }

    /** Calls that stopped waiting for an acknowledgement after the publish timeout. */
    public long publishTimeouts() {
        return publishTimeouts;
    }

    /** Times delivery started or resumed; each cleared the local cache first. */
    public long subscriptions() {
        return subscriptions;
    }

    /** Operations waiting to be published. */
    public long pendingOperations() {
        return pendingOperations;
    }

    /** Transport facts: channel, topic, subscription... */
    public Map<String, String> details() {
        return details;
    }

    @Override
    public String toString() {
        return "InvalidatorStatus{" + instanceId + ", " + state + (bypassingCache ? " (bypassing cache)" : "")
                + ", sent=" + messagesSent + "/" + operationsSent + " ops, received=" + messagesReceived + "/"
                + operationsApplied + " ops, gaps=" + gapsDetected + ", malformed=" + malformedMessages
                + ", publishFailures=" + publishFailures + ", subscriptions=" + subscriptions + ", " + transport + '}';
    }
}
