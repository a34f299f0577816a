package dev.weft.caching.azure.internal;

/**
 * What Weft puts around the shared codec's bytes on a Service Bus message. The body is exactly an
 * {@code InvalidationMessage} (or empty, for a probe); these application properties are for the transports only,
 * and a message without them is still delivered to the invalidator (which judges the body).
 */
final class WireProperties {

    /** The sending transport's random id (String): recognizes one's own messages. */
    static final String ORIGIN = "weft-origin";
    /** The sending transport's message number (long, from 1, one per message, probes included). */
    static final String NUMBER = "weft-n";
    /** Present (true) on a probe: a link check that every transport drops without passing it on. */
    static final String PROBE = "weft-probe";
    /** Content type of an invalidation message (informative: for people reading a subscription). */
    static final String CONTENT_TYPE = "application/vnd.weft.invalidation";
    /** Content type of a probe. */
    static final String PROBE_CONTENT_TYPE = "application/vnd.weft.probe";

    private WireProperties() {
    }
}
