package dev.weft.testing.servicebus.internal.amqp;

import java.nio.BufferOverflowException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

import dev.weft.testing.servicebus.PublishedMessage;

/** Encoding helpers and the AMQP names the service uses. Stateless. */
final class AmqpMessages {

    static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
    static final Symbol UNAUTHORIZED = Symbol.valueOf("amqp:unauthorized-access");
    static final Symbol MESSAGE_LOCK_LOST = Symbol.valueOf("com.microsoft:message-lock-lost");
    static final Symbol NOT_IMPLEMENTED = Symbol.valueOf("amqp:not-implemented");

    static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
    static final Symbol LOCKED_UNTIL = Symbol.valueOf("x-opt-locked-until");

    private AmqpMessages() {
    }

    static byte[] encode(Message message) {
        int size = 4096;
        while (true) {
            byte[] buffer = new byte[size];
            try {
                int length = message.encode(buffer, 0, size);
                return Arrays.copyOf(buffer, length);
            } catch (BufferOverflowException e) {
                size *= 2;
            }
        }
    }

    static Message decode(byte[] encoded) {
        Message message = Message.Factory.create();
        message.decode(encoded, 0, encoded.length);
        return message;
    }

    static ErrorCondition error(Symbol condition, String description) {
        return new ErrorCondition(condition, description);
    }

    static PublishedMessage describe(String topic, Message message, int encodedSize, Instant acceptedAt) {
        Object id = message.getMessageId();
        Map<String, Object> properties = new LinkedHashMap<>();
        ApplicationProperties applicationProperties = message.getApplicationProperties();
        if (applicationProperties != null && applicationProperties.getValue() != null) {
            properties.putAll(applicationProperties.getValue());
        }
        Duration ttl = message.getHeader() != null && message.getHeader().getTtl() != null
            ? Duration.ofMillis(message.getHeader().getTtl().longValue()) : null;
        return new PublishedMessage(topic, id == null ? null : id.toString(), bodyBytes(message.getBody()),
            properties, message.getContentType(), ttl, encodedSize, acceptedAt);
    }

    private static byte[] bodyBytes(Section body) {
        if (body instanceof Data data && data.getValue() != null) {
            Binary binary = data.getValue();
            return Arrays.copyOfRange(binary.getArray(), binary.getArrayOffset(),
                binary.getArrayOffset() + binary.getLength());
        }
        if (body instanceof AmqpValue value) {
            if (value.getValue() instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (value.getValue() instanceof Binary binary) {
                return Arrays.copyOfRange(binary.getArray(), binary.getArrayOffset(),
                    binary.getArrayOffset() + binary.getLength());
            }
        }
        return new byte[0];
    }
}
