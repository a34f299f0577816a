package dev.weft.testing.servicebus;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The description of a topic: its name and the time-to-live it gives messages that carry none shorter.
 * Immutable.
 *
 * @param name the topic's name (1 to 260 characters; letters, digits, periods, hyphens, underscores, slashes)
 * @param defaultMessageTimeToLive the longest a message published to this topic lives in any subscription
 */
public record TopicProperties(String name, Duration defaultMessageTimeToLive) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,258}[A-Za-z0-9_])?");

    /** Validates like the service. */
    public TopicProperties {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultMessageTimeToLive, "defaultMessageTimeToLive");
        if (!NAME.matcher(name).matches() || name.contains("//")) {
            throw new IllegalArgumentException("Invalid topic name '" + name + "'");
        }
        if (defaultMessageTimeToLive.isNegative() || defaultMessageTimeToLive.isZero()) {
            throw new IllegalArgumentException("DefaultMessageTimeToLive of topic '" + name + "' must be positive");
        }
    }

    /** A topic with this name and an "infinite" default time-to-live. */
    public static TopicProperties named(String name) {
        return new TopicProperties(name, SubscriptionProperties.INFINITE);
    }
}
