package dev.weft.testing.servicebus.internal.amqp;

import java.time.Instant;
import java.util.UUID;

/**
 * One message in one subscription. The encoded bytes are shared by every subscription the message was fanned
 * out to; the rest is this subscription's bookkeeping. Confined to the endpoint's event loop.
 */
final class QueuedMessage {

    final byte[] encoded;
    final long sequenceNumber;
    final Instant enqueuedTime;
    final Instant expiresAt;
    /** Deliveries so far; the Header's delivery-count is the number of earlier failed ones. */
    int deliveryCount;
    UUID lockToken;
    Instant lockedUntil;
    long lockTimerId = -1;

    QueuedMessage(byte[] encoded, long sequenceNumber, Instant enqueuedTime, Instant expiresAt) {
        this.encoded = encoded;
        this.sequenceNumber = sequenceNumber;
        this.enqueuedTime = enqueuedTime;
        this.expiresAt = expiresAt;
    }

    boolean expiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
