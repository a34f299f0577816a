package dev.weft.caching.invalidation;

import dev.weft.caching.CachingConfigurationException;

import java.time.Duration;
import java.util.Arrays;
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
    /**
     * Default for {@link #heartbeatInterval()}: a fleet of 200 quiet instances publishes 40 heartbeats a second in all,
     * and a silent peer is noticed within half of the default {@link #DEFAULT_MAX_STALENESS}.
     */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    /** The shortest {@link #messageAuthenticationKey()}, in bytes. */
    public static final int MIN_KEY_BYTES = 16;

    private final PublishMode publishMode;
    private final Duration publishTimeout;
    private final WhileDisconnected whileDisconnected;
    private final Duration maxStalenessWhileDisconnected;
    private final OnMessageLoss onMessageLoss;
    private final Duration reorderWindow;
    private final int maxMessageBytes;
    private final int maxPendingOperations;
    private final String instanceIdPrefix;
    private final Duration heartbeatInterval;
    private final byte[] messageAuthenticationKey;

    /**
     * Copies the builder's values.
     *
     * @throws CachingConfigurationException when {@code heartbeatInterval} is more than a quarter of
     *                                       {@code maxStalenessWhileDisconnected}
     */
    protected InvalidatorOptions(Builder<?> b) {
        if (b.heartbeatInterval != null
                && b.heartbeatInterval.multipliedBy(4).compareTo(b.maxStalenessWhileDisconnected) > 0) {
            throw new CachingConfigurationException("heartbeatInterval " + b.heartbeatInterval + " is more than a "
                    + "quarter of maxStalenessWhileDisconnected " + b.maxStalenessWhileDisconnected + ": a peer that "
                    + "falls silent could not be noticed within the bound; lower heartbeatInterval or raise "
                    + "maxStalenessWhileDisconnected");
        }
        if (b.reorderWindow.multipliedBy(4).compareTo(b.maxStalenessWhileDisconnected) > 0) {
            throw new CachingConfigurationException("reorderWindow " + b.reorderWindow + " is more than a quarter of "
                    + "maxStalenessWhileDisconnected " + b.maxStalenessWhileDisconnected + ": a lost message would be "
                    + "noticed too late to keep the bound; lower reorderWindow or raise maxStalenessWhileDisconnected");
        }
        this.publishMode = b.publishMode;
        this.publishTimeout = b.publishTimeout;
        this.whileDisconnected = b.whileDisconnected;
        this.maxStalenessWhileDisconnected = b.maxStalenessWhileDisconnected;
        this.onMessageLoss = b.onMessageLoss;
        this.reorderWindow = b.reorderWindow;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxPendingOperations = b.maxPendingOperations;
        this.instanceIdPrefix = b.instanceIdPrefix;
        this.heartbeatInterval = b.heartbeatInterval != null ? b.heartbeatInterval
                : min(DEFAULT_HEARTBEAT_INTERVAL, b.maxStalenessWhileDisconnected.dividedBy(4));
        this.messageAuthenticationKey = b.messageAuthenticationKey;
    }

    private static Duration min(Duration a, Duration b) {
        Duration m = a.compareTo(b) <= 0 ? a : b;
        return m.isZero() ? Duration.ofNanos(1) : m;
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

    /**
     * How long an {@link PublishMode#AWAIT_ACK} call waits at most; the message is still sent after that. A message
     * unanswered for this long also stops later calls from waiting until the transport answers again.
     */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** What the local cache does while the transport is down. */
    public WhileDisconnected whileDisconnected() {
        return whileDisconnected;
    }

    /**
     * The bound on staleness after any single fault: how long local entries are served while this instance is
     * disconnected (with {@link WhileDisconnected#SERVE_LOCAL}), and within how long a peer that fell silent, or whose
     * last messages were lost, is noticed and its possible loss handled.
     */
    public Duration maxStalenessWhileDisconnected() {
        return maxStalenessWhileDisconnected;
    }

    /**
     * How often an instance that published nothing meanwhile says it is alive, with the number of its last message:
     * how peers notice that its last messages were lost, or that it fell silent without saying goodbye.
     */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * The key every message is signed with (HMAC-SHA256), and that every received message must be signed with; a
     * copy, or {@code null} when messages are neither signed nor checked (the default).
     */
    public byte[] messageAuthenticationKey() {
        return messageAuthenticationKey == null ? null : messageAuthenticationKey.clone();
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
        /** {@code null}: the default, capped at a quarter of the staleness bound. */
        private Duration heartbeatInterval;
        private byte[] messageAuthenticationKey;

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

        /**
         * The bound on staleness after a fault (default 30 s): how long local entries are served during an outage
         * with {@code SERVE_LOCAL}, and within how long a silent peer or a peer's lost last messages are noticed.
         * At least four {@link #heartbeatInterval(Duration) heartbeat intervals}.
         */
        public B maxStalenessWhileDisconnected(Duration staleness) {
            this.maxStalenessWhileDisconnected = positive(staleness, "maxStalenessWhileDisconnected");
            return self();
        }

        /** What a receiver does on lost messages (default {@link OnMessageLoss#CLEAR_LOCAL_CACHE}). */
        public B onMessageLoss(OnMessageLoss policy) {
            this.onMessageLoss = Objects.requireNonNull(policy, "onMessageLoss");
            return self();
        }

        /**
         * How long a missing sequence number may arrive out of order (zero or positive, at most one minute, and at
         * most a quarter of {@link #maxStalenessWhileDisconnected(Duration)}).
         */
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

        /**
         * How often an instance that published nothing meanwhile sends a heartbeat (default 5 s, or a quarter of
         * {@link #maxStalenessWhileDisconnected(Duration)} when that is less; at least 10 ms and at most that
         * quarter). Use the same value on every instance.
         */
        public B heartbeatInterval(Duration interval) {
            positive(interval, "heartbeatInterval");
            if (interval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("heartbeatInterval must be at least 10ms, got " + interval);
            }
            this.heartbeatInterval = interval;
            return self();
        }

        /**
         * Signs every message with HMAC-SHA256 under {@code key} and rejects (and counts) every received message
         * that is unsigned or signed with another key: then nobody without the key can invalidate or clear. Off by
         * default. Every instance and publish-only client of the application must use the same key: instances with
         * different keys (or one without) ignore each other's invalidations. The key is copied; use at least 32
         * random bytes. {@code null} turns signing off.
         *
         * @throws IllegalArgumentException for a key shorter than {@value InvalidatorOptions#MIN_KEY_BYTES} bytes
         */
        public B messageAuthenticationKey(byte[] key) {
            if (key != null && key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("messageAuthenticationKey must be at least " + MIN_KEY_BYTES
                        + " bytes, got " + key.length);
            }
            this.messageAuthenticationKey = key == null ? null : Arrays.copyOf(key, key.length);
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
