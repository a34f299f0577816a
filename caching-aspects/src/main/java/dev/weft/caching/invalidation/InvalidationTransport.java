package dev.weft.caching.invalidation;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What an invalidator needs from a message transport (Redis pub/sub, a Service Bus topic): publish encoded messages
 * to every instance, and deliver every other instance's messages. Implemented by Weft's transport modules; an
 * application may implement it for another broker and pass it to {@link CacheInvalidator#create}.
 *
 * <p>Messages are opaque bytes of at most {@link #maxMessageBytes()}. The transport need not guarantee delivery:
 * the invalidator detects loss from sequence numbers. It must call {@link Listener#onSubscribed()} each time
 * delivery (re)starts and {@link Listener#onDisconnected(String)} when it stops, because messages sent in between
 * are lost and the receiver clears its cache when delivery resumes.
 */
public interface InvalidationTransport extends AutoCloseable {

    /** Receives messages and connection events, on the transport's threads. Implementations must not block. */
    interface Listener {
        /**
         * A message from some instance (possibly this one: the invalidator ignores its own); {@code null} for a
         * message the transport received but could not turn into bytes (counted as malformed).
         */
        void onMessage(byte[] message);

        /** Delivery started or resumed: messages published from now on will arrive. */
        void onSubscribed();

        /** Delivery stopped: messages may be lost until the next {@link #onSubscribed()}. */
        void onDisconnected(String reason);
    }

    /**
     * Starts delivering messages to {@code listener} (subscribes). Called once, before anything else, by an
     * invalidator; never called for a publish-only client.
     *
     * @throws RuntimeException (typically {@code CachingConfigurationException}) when the transport cannot start for
     *                          a reason no retry will fix: wrong credentials, a missing topic
     */
    void start(Listener listener);

    /**
     * Publishes one message. The stage completes normally when the transport accepted it, exceptionally when it did
     * not (the invalidator retries; see {@link #classifyPublishFailure}). Must not block the caller: never connect on
     * the caller's thread, and fail at once rather than buffer while the connection is known down.
     */
    CompletionStage<Void> publish(byte[] message);

    /**
     * Whether a publish could go through now, as far as the transport knows without asking the network: false while
     * its connection is down or not yet made. While false, invalidations do not wait for acknowledgements (they apply
     * locally, and one "clear everything" goes out when the transport is back). Called on every invalidation: must be
     * cheap. The default says true: failures alone then tell.
     */
    default boolean canPublish() {
        return true;
    }

    /** What a failed publish means for the invalidator. */
    enum PublishFailure {
        /** The transport is down or unreachable: callers stop waiting, queued invalidations become one clear. */
        DOWN,
        /** The broker refused for load: callers stop waiting, invalidations queue as they are, retries back off. */
        THROTTLED,
        /** The broker refused the message for its size: it is replaced by a "clear everything". */
        TOO_LARGE
    }

    /** Sorts the cause of a failed {@link #publish}. The default: {@link PublishFailure#DOWN}. */
    default PublishFailure classifyPublishFailure(Throwable failure) {
        return PublishFailure.DOWN;
    }

    /** The largest message this transport sends, in bytes. */
    int maxMessageBytes();

    /**
     * The largest message a receiver accepts, in bytes: at least {@link #maxMessageBytes()}, and more when peers may
     * be configured to send larger messages than this instance does.
     */
    default int maxReceiveBytes() {
        return maxMessageBytes();
    }

    /** A one-line description for logs and status, e.g. {@code redis pub/sub channel weft:invalidation on host:port}. */
    String description();

    /** Transport-specific facts for {@link InvalidatorStatus#details()}: channel, topic, subscription... */
    Map<String, String> details();

    /** Stops delivery and releases what the transport created. Must not throw. */
    @Override
    void close();
}
