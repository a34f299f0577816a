package dev.weft.testing.servicebus;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message as the endpoint accepted it on a topic, for assertions: what a sender really put on the wire.
 * Immutable; {@link #body()} returns a copy.
 *
 * @param topic the topic it was published to, as the sender spelled it
 * @param messageId the AMQP message-id as a string, or {@code null} if the message had none
 * @param body the bytes of the Data section(s); an AmqpValue string or binary body as its bytes (UTF-8 for a
 *     string); empty for any other body
 * @param applicationProperties the application properties, in wire order (values as proton-j decodes them:
 *     {@code String}, {@code Long}, {@code Integer}, {@code Boolean}, ...)
 * @param contentType the content-type property, or {@code null}
 * @param timeToLive the Header's ttl, or {@code null} if it carried none
 * @param encodedSize the size in bytes of the encoded message (what the max-message-size limit is checked against)
 * @param acceptedAt when the endpoint accepted it, by the endpoint's clock
 */
public record PublishedMessage(String topic, String messageId, byte[] body, Map<String, Object> applicationProperties,
                               String contentType, Duration timeToLive, int encodedSize, Instant acceptedAt) {

    /** Copies the body and properties so the record stays immutable. */
    public PublishedMessage {
        Objects.requireNonNull(topic, "topic");
        body = body.clone();
        applicationProperties = Collections.unmodifiableMap(new LinkedHashMap<>(applicationProperties));
        Objects.requireNonNull(acceptedAt, "acceptedAt");
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublishedMessage other
            && topic.equals(other.topic)
            && Objects.equals(messageId, other.messageId)
            && Arrays.equals(body, other.body)
            && applicationProperties.equals(other.applicationProperties)
            && Objects.equals(contentType, other.contentType)
            && Objects.equals(timeToLive, other.timeToLive)
            && encodedSize == other.encodedSize
            && acceptedAt.equals(other.acceptedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, messageId, Arrays.hashCode(body), applicationProperties, contentType,
            timeToLive, encodedSize, acceptedAt);
    }

    @Override
    public String toString() {
        return "PublishedMessage[topic=" + topic + ", messageId=" + messageId + ", body=" + body.length
            + " bytes, applicationProperties=" + applicationProperties + ", encodedSize=" + encodedSize + "]";
    }
}
