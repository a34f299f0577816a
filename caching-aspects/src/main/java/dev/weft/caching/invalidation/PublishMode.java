package dev.weft.caching.invalidation;

/** When an invalidation call returns. */
public enum PublishMode {
    /** Once the transport accepted the message (Redis answered the PUBLISH, Service Bus accepted the send). */
    AWAIT_ACK,
    /** At once; the message is sent in the background. */
    FIRE_AND_FORGET
}
