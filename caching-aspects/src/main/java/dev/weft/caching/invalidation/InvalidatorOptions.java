package dev.weft.caching.invalidation;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings every invalidator shares, whatever its transport; transport options ({@code
 * RedisCacheInvalidatorOptions}, {@code AzureCacheInvalidatorOptions}) extend it. Immutable; built by a builder that
 * validates each value as it is set, naming it.
 */
public class InvalidatorOptions {

    /** Default for {@link #publishTimeout()}. */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    /** Default for {@link #maxStalenessWhileDisconnected()}. */
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(30);
    /** Default for {@link #maxPendingOperations()}. */
    public static final int DEFAULT_MAX_PENDING_OPERATIONS = 100_000;

    private final PublishMode publishMode;
    private final Duration publishTimeout;
    private final WhileDisconnected whileDisconnected;
    private final Duration maxStalenessWhileDisconnected;
    private final OnMessageLoss onMessageLoss;
    private final Duration reorderWindow;
    private final int maxMessageBytes;
    private final int maxPendingOperations;
    private final String instanceIdPrefix;

    /** Copies the builder's values. */
    protected InvalidatorOptions(Builder<?> b) {
        this.publishMode = b.publishMode;
        this.publishTimeout = b.publishTimeout;
        this.whileDisconnected = b.whileDisconnected;
        this.maxStalenessWhileDisconnected = b.maxStalenessWhileDisconnected;
        this.onMessageLoss = b.onMessageLoss;
        this.reorderWindow = b.reorderWindow;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxPendingOperations = b.maxPendingOperations;
        this.instanceIdPrefix = b.instanceIdPrefix;
    }

    /**
     * A builder of options with every default, for a transport of the application's own (the Redis and Azure
     * modules have their own options classes).
     */
    public static GenericBuilder customTransportBuilder() {
        return new GenericBuilder();
    }

    /** The builder of options for a custom transport. */
    public static final class GenericBuilder extends Builder<GenericBuilder> {
        GenericBuilder() {
        }
    }

    /** When {@code invalidate} returns: once the transport accepted the message (default), or at once. */
    public PublishMode publishMode() {
        return publishMode;
    }

    /** How long an {@link PublishMode#AWAIT_ACK} call waits at most; the message is still sent after that. */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** What the local cache does while the transport is down. */
    public WhileDisconnected whileDisconnected() {
        return whileDisconnected;
    }

    /** With {@link WhileDisconnected#SERVE_LOCAL}, how long local entries are served during an outage. */
    public Duration maxStalenessWhileDisconnected() {
        return maxStalenessWhileDisconnected;
    }

    /** What a receiver does when it detects lost messages. */
    public OnMessageLoss onMessageLoss() {
        return onMessageLoss;
    }

    /** How long a missing sequence number may still arrive out of order before it counts as lost. */
    public Duration reorderWindow() {
        return reorderWindow;
    }

    /** The largest message sent, in bytes; 0 means the transport's own limit. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Operations queued behind the message in flight. Past it, callers wait for room while the transport is healthy
     * (at most {@link #publishTimeout()}), and the queue collapses into one "clear everything" when the transport is
     * failing or the wait times out.
     */
    public int maxPendingOperations() {
        return maxPendingOperations;
    }

    /** Prefix of this instance's human-readable id (logs, status, subscription names). */
    public String instanceIdPrefix() {
        return instanceIdPrefix;
    }

    /**
     * Builds options. Subclassed by transport options builders; {@code B} is the concrete builder type so that
     * chained calls keep it.
     */
    public abstract static class Builder<B extends Builder<B>> {
        private PublishMode publishMode = PublishMode.AWAIT_ACK;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private WhileDisconnected whileDisconnected = WhileDisconnected.SERVE_LOCAL;
        private Duration maxStalenessWhileDisconnected = DEFAULT_MAX_STALENESS;
        private OnMessageLoss onMessageLoss = OnMessageLoss.CLEAR_LOCAL_CACHE;
        private Duration reorderWindow;
        private int maxMessageBytes;
        private int maxPendingOperations = DEFAULT_MAX_PENDING_OPERATIONS;
        private String instanceIdPrefix = "weft";

        /** Starts with every default; {@code reorderWindow} defaults to {@code defaultReorderWindow}. */
        protected Builder(Duration defaultReorderWindow) {
            this.reorderWindow = defaultReorderWindow;
        }

        /** Starts with every default and no reorder window. */
        protected Builder() {
            this(Duration.ZERO);
        }

        @SuppressWarnings("unchecked")
        protected final B self() {
            return (B) this;
        }

        /** When invalidations return (default {@link PublishMode#AWAIT_ACK}). */
        public B publishMode(PublishMode mode) {
            this.publishMode = Objects.requireNonNull(mode, "publishMode");
            return self();
        }

        /** How long an {@link PublishMode#AWAIT_ACK} call waits at most (default 5 s; positive). */
        public B publishTimeout(Duration timeout) {
            this.publishTimeout = positive(timeout, "publishTimeout");
            return self();
        }

        /** What the local cache does while the transport is down (default {@link WhileDisconnected#SERVE_LOCAL}). */
        public B whileDisconnected(WhileDisconnected policy) {
            this.whileDisconnected = Objects.requireNonNull(policy, "whileDisconnected");
            return self();
        }

        /** With {@code SERVE_LOCAL}, how long local entries are served during an outage (default 30 s). */
        public B maxStalenessWhileDisconnected(Duration staleness) {
            this.maxStalenessWhileDisconnected = positive(staleness, "maxStalenessWhileDisconnected");
            return self();
        }

        /** What a receiver does on lost messages (default {@link OnMessageLoss#CLEAR_LOCAL_CACHE}). */
        public B onMessageLoss(OnMessageLoss policy) {
            this.onMessageLoss = Objects.requireNonNull(policy, "onMessageLoss");
            return self();
        }

        /** How long a missing sequence number may arrive out of order (zero or positive, at most one minute). */
        public B reorderWindow(Duration window) {
            Objects.requireNonNull(window, "reorderWindow");
            if (window.isNegative() || window.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("reorderWindow must be between 0 and 1 minute, got " + window);
            }
            this.reorderWindow = window;
            return self();
        }

        /** The largest message sent; at least 1024 bytes (default: the transport's limit). */
        public B maxMessageBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + bytes);
            }
            this.maxMessageBytes = bytes;
            return self();
        }

        /** Queued operations before they collapse into one clear (default 100,000; at least 1). */
        public B maxPendingOperations(int operations) {
            if (operations < 1) {
                throw new IllegalArgumentException("maxPendingOperations must be positive, got " + operations);
            }
            this.maxPendingOperations = operations;
            return self();
        }

        /** Prefix of this instance's readable id: letters, digits and dashes, 1 to 20 characters (default "weft"). */
        public B instanceIdPrefix(String prefix) {
            Objects.requireNonNull(prefix, "instanceIdPrefix");
            if (!prefix.matches("[A-Za-z0-9-]{1,20}")) {
                throw new IllegalArgumentException("instanceIdPrefix must be 1 to 20 letters, digits or dashes, got \""
                        + prefix + "\"");
            }
            this.instanceIdPrefix = prefix;
            return self();
        }

        /** Builds options for a custom transport. Transport builders override this with their own type. */
        public InvalidatorOptions build() {
            return new InvalidatorOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
