package dev.weft.caching.invalidation;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of an invalidator's health: connection state and counters since it started. Immutable. Counters only
 * grow; monitor {@link #gapsDetected()}, {@link #sendersFallenSilent()}, {@link #malformedMessages()},
 * {@link #unauthenticatedMessages()} and {@link #publishFailures()}, and alert when {@link #connected()} stays false.
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

    /** Whether invalidations wait for the transport, as the publishing side sees it. */
    public enum PublishCircuit {
        /** Healthy: invalidations are published, {@code AWAIT_ACK} callers wait for the acknowledgement. */
        CLOSED,
        /**
         * The transport is known down: invalidations apply locally and return at once; one "clear everything" is
         * published when the transport is back.
         */
        OPEN,
        /**
         * The broker is throttling, or has not answered a message within the publish timeout: invalidations return at
         * once and queue as they are; retries back off.
         */
        THROTTLED
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
    private final long unauthenticatedMessages;
    private final long publishFailures;
    private final long publishTimeouts;
    private final long deferredInvalidations;
    private final PublishCircuit publishCircuit;
    private final long subscriptions;
    private final long pendingOperations;
    private final long heartbeatsSent;
    private final long heartbeatsReceived;
    private final long goodbyesReceived;
    private final int knownSenders;
    private final int silentSenders;
    private final long sendersFallenSilent;
    private final long trackerOverflows;
    private final Map<String, String> details;

    private InvalidatorStatus(Builder b) {
        this.instanceId = b.instanceId;
        this.transport = b.transport;
        this.state = b.state;
        this.bypassingCache = b.bypassingCache;
        this.stateSince = b.stateSince;
        this.lastMessageReceived = b.lastMessageReceived;
        this.lastMessageSent = b.lastMessageSent;
        this.messagesSent = b.messagesSent;
        this.operationsSent = b.operationsSent;
        this.messagesReceived = b.messagesReceived;
        this.operationsApplied = b.operationsApplied;
        this.ownMessagesIgnored = b.ownMessagesIgnored;
        this.duplicateMessages = b.duplicateMessages;
        this.gapsDetected = b.gapsDetected;
        this.messagesLost = b.messagesLost;
        this.malformedMessages = b.malformedMessages;
        this.unknownVersionMessages = b.unknownVersionMessages;
        this.unauthenticatedMessages = b.unauthenticatedMessages;
        this.publishFailures = b.publishFailures;
        this.publishTimeouts = b.publishTimeouts;
        this.deferredInvalidations = b.deferredInvalidations;
        this.publishCircuit = b.publishCircuit;
        this.subscriptions = b.subscriptions;
        this.pendingOperations = b.pendingOperations;
        this.heartbeatsSent = b.heartbeatsSent;
        this.heartbeatsReceived = b.heartbeatsReceived;
        this.goodbyesReceived = b.goodbyesReceived;
        this.knownSenders = b.knownSenders;
        this.silentSenders = b.silentSenders;
        this.sendersFallenSilent = b.sendersFallenSilent;
        this.trackerOverflows = b.trackerOverflows;
        this.details = Map.copyOf(b.details);
    }

    /** A builder, for invalidators (applications read statuses, they do not build them). */
    public static Builder builder(String instanceId, String transport, State state) {
        return new Builder(instanceId, transport, state);
    }

    /** Builds an {@link InvalidatorStatus}; unset counters are zero. Not thread-safe. */
    public static final class Builder {
        private final String instanceId;
        private final String transport;
        private final State state;
        private boolean bypassingCache;
        private Instant stateSince;
        private Instant lastMessageReceived;
        private Instant lastMessageSent;
        private long messagesSent;
        private long operationsSent;
        private long messagesReceived;
        private long operationsApplied;
        private long ownMessagesIgnored;
        private long duplicateMessages;
        private long gapsDetected;
        private long messagesLost;
        private long malformedMessages;
        private long unknownVersionMessages;
        private long unauthenticatedMessages;
        private long publishFailures;
        private long publishTimeouts;
        private long deferredInvalidations;
        private PublishCircuit publishCircuit = PublishCircuit.CLOSED;
        private long subscriptions;
        private long pendingOperations;
        private long heartbeatsSent;
        private long heartbeatsReceived;
        private long goodbyesReceived;
        private int knownSenders;
        private int silentSenders;
        private long sendersFallenSilent;
        private long trackerOverflows;
        private Map<String, String> details = Map.of();

        private Builder(String instanceId, String transport, State state) {
            this.instanceId = instanceId;
            this.transport = transport;
            this.state = state;
        }

        public Builder bypassingCache(boolean v) {
            bypassingCache = v;
            return this;
        }

        public Builder stateSince(Instant v) {
            stateSince = v;
            return this;
        }

        /** Last message times; {@code null} for none yet. */
        public Builder lastMessages(Instant received, Instant sent) {
            lastMessageReceived = received;
            lastMessageSent = sent;
            return this;
        }

        /** Publishing: messages and operations sent, failures, timeouts, deferred calls, queue, circuit. */
        public Builder publishing(long messages, long operations, long failures, long timeouts, long deferred,
                                  long pending, PublishCircuit circuit, long heartbeats) {
            messagesSent = messages;
            operationsSent = operations;
            publishFailures = failures;
            publishTimeouts = timeouts;
            deferredInvalidations = deferred;
            pendingOperations = pending;
            publishCircuit = circuit;
            heartbeatsSent = heartbeats;
            return this;
        }

        /** Receiving: what arrived and was applied, ignored or rejected. */
        public Builder receiving(long messages, long operations, long own, long duplicates, long malformed,
                                 long unknownVersion, long unauthenticated, long heartbeats, long goodbyes) {
            messagesReceived = messages;
            operationsApplied = operations;
            ownMessagesIgnored = own;
            duplicateMessages = duplicates;
            malformedMessages = malformed;
            unknownVersionMessages = unknownVersion;
            unauthenticatedMessages = unauthenticated;
            heartbeatsReceived = heartbeats;
            goodbyesReceived = goodbyes;
            return this;
        }

        /** Loss: gaps and lost messages, senders known and silent, tracker overflows, subscriptions. */
        public Builder loss(long gaps, long lost, int known, int silentNow, long fallenSilent, long overflows,
                            long subscriptionCount) {
            gapsDetected = gaps;
            messagesLost = lost;
            knownSenders = known;
            silentSenders = silentNow;
            sendersFallenSilent = fallenSilent;
            trackerOverflows = overflows;
            subscriptions = subscriptionCount;
            return this;
        }

        public Builder details(Map<String, String> v) {
            details = Map.copyOf(v);
            return this;
        }

        public InvalidatorStatus build() {
            return new InvalidatorStatus(this);
        }
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

    /** This instance's own invalidation messages, back from the transport and ignored (its heartbeats aside). */
    public long ownMessagesIgnored() {
        return ownMessagesIgnored;
    }

    /** Messages whose sequence number was already seen (replays, redeliveries): applied again, harmlessly. */
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

    /**
     * Messages of an unknown format version (each cleared the local cache; several within a moment clear it once).
     * With a {@code messageAuthenticationKey}, only correctly signed ones count here.
     */
    public long unknownVersionMessages() {
        return unknownVersionMessages;
    }

    /**
     * Messages rejected because they were not signed with this application's {@code messageAuthenticationKey} (only
     * with a key): they neither invalidated nor cleared anything. A rising count: something without the key publishes
     * on the channel, or instances run with different keys.
     */
    public long unauthenticatedMessages() {
        return unauthenticatedMessages;
    }

    /** Publish attempts the transport refused (they are retried). */
    public long publishFailures() {
        return publishFailures;
    }

    /** Calls that stopped waiting for an acknowledgement after the publish timeout. */
    public long publishTimeouts() {
        return publishTimeouts;
    }

    /**
     * Invalidations that did not wait for the transport because it was known down or throttling: applied locally at
     * once; what was not sent goes out later (as one "clear everything" after an outage).
     */
    public long deferredInvalidations() {
        return deferredInvalidations;
    }

    /** Whether invalidations wait for the transport now. */
    public PublishCircuit publishCircuit() {
        return publishCircuit;
    }

    /** Heartbeats this instance published (one per heartbeat interval in which it published nothing else). */
    public long heartbeatsSent() {
        return heartbeatsSent;
    }

    /** Heartbeats received from other instances. */
    public long heartbeatsReceived() {
        return heartbeatsReceived;
    }

    /** Goodbyes received from other instances that closed. */
    public long goodbyesReceived() {
        return goodbyesReceived;
    }

    /** Other instances (and publish-only clients) this one tracks now. */
    public int knownSenders() {
        return knownSenders;
    }

    /**
     * Known senders silent now: heard from neither invalidation nor heartbeat for half of
     * {@code maxStalenessWhileDisconnected}, and no goodbye. Each was a possible loss; while one stays silent the
     * cache is cleared every half bound ({@code SERVE_LOCAL}) or bypassed ({@code BYPASS_CACHE}), until it is heard
     * again or forgotten.
     */
    public int silentSenders() {
        return silentSenders;
    }

    /** Times a known sender fell silent without a goodbye (a crash, a partition of its own, its last messages lost). */
    public long sendersFallenSilent() {
        return sendersFallenSilent;
    }

    /** Times the sender tracker was full (too many distinct senders) and forgot some, clearing the cache. */
    public long trackerOverflows() {
        return trackerOverflows;
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
                + ", unauthenticated=" + unauthenticatedMessages + ", publishFailures=" + publishFailures
                + ", circuit=" + publishCircuit + ", senders=" + knownSenders + " (" + silentSenders + " silent)"
                + ", subscriptions=" + subscriptions + ", " + transport + '}';
    }
}
