package dev.weft.caching.invalidation.internal;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@code InvalidatorStatus}. Thread-safe. */
public final class InvalidatorCounters {

    public final LongAdder messagesSent = new LongAdder();
    public final LongAdder operationsSent = new LongAdder();
    public final LongAdder messagesReceived = new LongAdder();
    public final LongAdder operationsApplied = new LongAdder();
    public final LongAdder ownMessagesIgnored = new LongAdder();
    public final LongAdder duplicateMessages = new LongAdder();
    public final LongAdder gapsDetected = new LongAdder();
    public final LongAdder messagesLost = new LongAdder();
    public final LongAdder malformedMessages = new LongAdder();
    public final LongAdder unknownVersionMessages = new LongAdder();
    public final LongAdder unauthenticatedMessages = new LongAdder();
    public final LongAdder publishFailures = new LongAdder();
    public final LongAdder publishTimeouts = new LongAdder();
    public final LongAdder deferredInvalidations = new LongAdder();
    public final LongAdder subscriptions = new LongAdder();
    public final LongAdder heartbeatsSent = new LongAdder();
    public final LongAdder heartbeatFailures = new LongAdder();
    public final LongAdder heartbeatsReceived = new LongAdder();
    public final LongAdder goodbyesReceived = new LongAdder();
    public final LongAdder sendersFallenSilent = new LongAdder();
    public final LongAdder trackerOverflows = new LongAdder();
    public final LongAdder remoteClears = new LongAdder();
    public final LongAdder remoteClearsCoalesced = new LongAdder();
    public volatile long lastMessageReceivedMillis;
    public volatile long lastMessageSentMillis;
}
