package dev.weft.caching.redis;

import dev.weft.caching.invalidation.InvalidatorOptions;

import java.util.Objects;

/**
 * Options of {@link RedisCacheInvalidator}: the shared {@link InvalidatorOptions} plus the channel and how strictly
 * Redis must be reachable at start. Immutable; every setter of the builder validates its value and names it.
 *
 * <pre>{@code
 * RedisCacheInvalidatorOptions.builder()
 *     .channel("shop:cache-invalidation")
 *     .publishMode(PublishMode.AWAIT_ACK)
 *     .whileDisconnected(WhileDisconnected.SERVE_LOCAL)
 *     .build();
 * }</pre>
 */
public final class RedisCacheInvalidatorOptions extends InvalidatorOptions {

    /** The channel used when none is set. */
    public static final String DEFAULT_CHANNEL = "weft:invalidation";
    /** The largest message sent when none is set: large enough for about a thousand keys. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

    private final String channel;
    private final boolean requireConnectionAtStart;

    private RedisCacheInvalidatorOptions(Builder b) {
        super(b);
        this.channel = b.channel;
        this.requireConnectionAtStart = b.requireConnectionAtStart;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options with every default. */
    public static RedisCacheInvalidatorOptions defaults() {
        return builder().build();
    }

    /** The pub/sub channel every instance of the application publishes to and subscribes to. */
    public String channel() {
        return channel;
    }

    /**
     * Whether creating the invalidator fails when Redis cannot be reached (true, the default), or starts
     * disconnected and keeps trying (false).
     */
    public boolean requireConnectionAtStart() {
        return requireConnectionAtStart;
    }

    @Override
    public int maxMessageBytes() {
        int configured = super.maxMessageBytes();
        return configured > 0 ? configured : DEFAULT_MAX_MESSAGE_BYTES;
    }

    /** Builds {@link RedisCacheInvalidatorOptions}. Not thread-safe. */
    public static final class Builder extends InvalidatorOptions.Builder<Builder> {
        private String channel = DEFAULT_CHANNEL;
        private boolean requireConnectionAtStart = true;

        private Builder() {
        }

        /** The pub/sub channel (default {@value DEFAULT_CHANNEL}); not blank, at most 256 characters. */
        public Builder channel(String channel) {
            Objects.requireNonNull(channel, "channel");
            if (channel.isBlank() || channel.length() > 256) {
                throw new IllegalArgumentException("channel must be 1 to 256 characters and not blank, got \""
                        + channel + "\"");
            }
            this.channel = channel;
            return this;
        }

        /** Whether an unreachable Redis fails the creation (default true) or is retried in the background. */
        public Builder requireConnectionAtStart(boolean require) {
            this.requireConnectionAtStart = require;
            return this;
        }

        @Override
        public RedisCacheInvalidatorOptions build() {
            return new RedisCacheInvalidatorOptions(this);
        }
    }
}
