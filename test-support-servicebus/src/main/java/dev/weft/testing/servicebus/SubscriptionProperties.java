package dev.weft.testing.servicebus;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The description of one topic subscription, validated the way the real service validates it, so that a test
 * learns about an invalid request (a 51-character name, an AutoDeleteOnIdle under five minutes) from this fake
 * as it would from Azure. Immutable; build one with {@link #builder(String)}.
 *
 * <p>Defaults are the service's: lock 60 s, max delivery count 10, time-to-live and auto-delete "infinite"
 * ({@link #INFINITE}, the .NET {@code TimeSpan.MaxValue} the service reports).
 */
public final class SubscriptionProperties {

    /** What the service reports for "never": {@code TimeSpan.MaxValue}, P10675199DT2H48M5.4775807S. */
    public static final Duration INFINITE = Duration.parse("P10675199DT2H48M5.4775807S");
    /** The service's lower bound for AutoDeleteOnIdle. */
    public static final Duration MIN_AUTO_DELETE_ON_IDLE = Duration.ofMinutes(5);
    /** The service's upper bound for LockDuration. */
    public static final Duration MAX_LOCK_DURATION = Duration.ofMinutes(5);
    /** The service's limit on a subscription name's length. */
    public static final int MAX_NAME_LENGTH = 50;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?");

    private final String name;
    private final Duration lockDuration;
    private final Duration defaultMessageTimeToLive;
    private final Duration autoDeleteOnIdle;
    private final int maxDeliveryCount;
    private final String userMetadata;

    private SubscriptionProperties(Builder builder) {
        this.name = builder.name;
        this.lockDuration = builder.lockDuration;
        this.defaultMessageTimeToLive = builder.defaultMessageTimeToLive;
        this.autoDeleteOnIdle = builder.autoDeleteOnIdle;
        this.maxDeliveryCount = builder.maxDeliveryCount;
        this.userMetadata = builder.userMetadata;
    }

    /** A subscription with this name and the service's defaults. */
    public static SubscriptionProperties named(String name) {
        return builder(name).build();
    }

    /** Starts a description; {@link Builder#build()} validates it. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder that starts from this description (for an update). */
    public Builder toBuilder() {
        return new Builder(name)
            .lockDuration(lockDuration)
            .defaultMessageTimeToLive(defaultMessageTimeToLive)
            .autoDeleteOnIdle(autoDeleteOnIdle)
            .maxDeliveryCount(maxDeliveryCount)
            .userMetadata(userMetadata);
    }

    /** The subscription's name, as given at creation. */
    public String name() {
        return name;
    }

    /** How long a PEEK_LOCK delivery stays locked before it is delivered again. */
    public Duration lockDuration() {
        return lockDuration;
    }

    /** The longest a message lives in this subscription (a message's own shorter TTL wins). */
    public Duration defaultMessageTimeToLive() {
        return defaultMessageTimeToLive;
    }

    /** Recorded and reported; the fake never deletes an idle subscription by itself. */
    public Duration autoDeleteOnIdle() {
        return autoDeleteOnIdle;
    }

    /** Deliveries after which an unsettled (abandoned or lock-expired) message is dead-lettered. */
    public int maxDeliveryCount() {
        return maxDeliveryCount;
    }

    /** Free text, or {@code null}. */
    public String userMetadata() {
        return userMetadata;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubscriptionProperties other
            && name.equals(other.name)
            && lockDuration.equals(other.lockDuration)
            && defaultMessageTimeToLive.equals(other.defaultMessageTimeToLive)
            && autoDeleteOnIdle.equals(other.autoDeleteOnIdle)
            && maxDeliveryCount == other.maxDeliveryCount
            && Objects.equals(userMetadata, other.userMetadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, lockDuration, defaultMessageTimeToLive, autoDeleteOnIdle, maxDeliveryCount,
            userMetadata);
    }

    @Override
    public String toString() {
        return "SubscriptionProperties[name=" + name + ", lockDuration=" + lockDuration
            + ", defaultMessageTimeToLive=" + defaultMessageTimeToLive + ", autoDeleteOnIdle=" + autoDeleteOnIdle
            + ", maxDeliveryCount=" + maxDeliveryCount + "]";
    }

    /** Collects a description; not thread-safe. */
    public static final class Builder {
        private final String name;
        private Duration lockDuration = Duration.ofSeconds(60);
        private Duration defaultMessageTimeToLive = INFINITE;
        private Duration autoDeleteOnIdle = INFINITE;
        private int maxDeliveryCount = 10;
        private String userMetadata;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** See {@link SubscriptionProperties#lockDuration()}. */
        public Builder lockDuration(Duration value) {
            this.lockDuration = Objects.requireNonNull(value, "lockDuration");
            return this;
        }

        /** See {@link SubscriptionProperties#defaultMessageTimeToLive()}. */
        public Builder defaultMessageTimeToLive(Duration value) {
            this.defaultMessageTimeToLive = Objects.requireNonNull(value, "defaultMessageTimeToLive");
            return this;
        }

        /** See {@link SubscriptionProperties#autoDeleteOnIdle()}. */
        public Builder autoDeleteOnIdle(Duration value) {
            this.autoDeleteOnIdle = Objects.requireNonNull(value, "autoDeleteOnIdle");
            return this;
        }

        /** See {@link SubscriptionProperties#maxDeliveryCount()}. */
        public Builder maxDeliveryCount(int value) {
            this.maxDeliveryCount = value;
            return this;
        }

        /** See {@link SubscriptionProperties#userMetadata()}. */
        public Builder userMetadata(String value) {
            this.userMetadata = value;
            return this;
        }

        /**
         * Validates like the service.
         *
         * @throws IllegalArgumentException naming the offending property and value
         */
        public SubscriptionProperties build() {
            if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid subscription name '" + name + "': 1 to "
                    + MAX_NAME_LENGTH + " letters, digits, periods, hyphens and underscores, starting with a "
                    + "letter or digit and ending with a letter, digit or underscore");
            }
            if (autoDeleteOnIdle.compareTo(MIN_AUTO_DELETE_ON_IDLE) < 0) {
                throw new IllegalArgumentException("AutoDeleteOnIdle of subscription '" + name + "' is "
                    + autoDeleteOnIdle + "; the minimum is " + MIN_AUTO_DELETE_ON_IDLE);
            }
            if (lockDuration.isNegative() || lockDuration.isZero() || lockDuration.compareTo(MAX_LOCK_DURATION) > 0) {
                throw new IllegalArgumentException("LockDuration of subscription '" + name + "' is " + lockDuration
                    + "; it must be positive and at most " + MAX_LOCK_DURATION);
            }
            if (defaultMessageTimeToLive.isNegative() || defaultMessageTimeToLive.isZero()) {
                throw new IllegalArgumentException("DefaultMessageTimeToLive of subscription '" + name + "' is "
                    + defaultMessageTimeToLive + "; it must be positive");
            }
            if (maxDeliveryCount < 1) {
                throw new IllegalArgumentException("MaxDeliveryCount of subscription '" + name + "' is "
                    + maxDeliveryCount + "; it must be at least 1");
            }
            return new SubscriptionProperties(this);
        }
    }
}
