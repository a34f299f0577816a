package dev.weft.testing.servicebus.internal.amqp;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import dev.weft.testing.servicebus.AccessRight;

/**
 * An entity's {@code $management} request/response node, for the operations a receiver issues on a subscription:
 * peek, renew-lock and update-disposition (used to settle a PEEK_LOCK message whose link is gone). Anything else
 * is answered 501 so that an SDK call fails at once instead of waiting for its try-timeout.
 *
 * <p>Replies carry {@code statusCode} (int), {@code statusDescription} and, on errors, {@code errorCondition}.
 * Confined to the event loop (it reads subscription queues).
 */
final class ManagementNode {

    static final String SUFFIX = "/$management";

    private static final String VENDOR = "com.microsoft:";

    private final Broker broker;
    private final Clock clock;

    ManagementNode(Broker broker, Clock clock) {
        this.broker = broker;
        this.clock = clock;
    }

    Message handle(String entityPath, Message request, ConnectionAuthorizations authorizations) {
        Object operation = applicationProperties(request).get("operation");
        Map<?, ?> body = request.getBody() instanceof AmqpValue value && value.getValue() instanceof Map<?, ?> map
            ? map : Map.of();
        broker.statistics().nodeRequest(entityPath + "/$management " + operation);
        Optional<SubscriptionKey> subscription = SubscriptionKey.parseAddress(entityPath);
        if (subscription.isEmpty()) {
            return reply(request, 501, AmqpMessages.NOT_IMPLEMENTED,
                "Operation '" + operation + "' on '" + entityPath + "' is not implemented by this test endpoint");
        }
        Optional<String> refusal = authorizations.refusal(entityPath, AccessRight.LISTEN, clock.instant());
        if (refusal.isPresent()) {
            return reply(request, 401, AmqpMessages.UNAUTHORIZED, refusal.get());
        }
        Optional<SubscriptionQueue> queue = broker.queue(subscription.get());
        if (queue.isEmpty()) {
            return reply(request, 404, AmqpMessages.NOT_FOUND, "The messaging entity '" + entityPath
                + "' could not be found.");
        }
        if ((VENDOR + "peek-message").equals(operation)) {
            return peek(request, body, queue.get());
        }
        if ((VENDOR + "renew-lock").equals(operation)) {
            return renewLock(request, body, queue.get());
        }
        if ((VENDOR + "update-disposition").equals(operation)) {
            return updateDisposition(request, body, queue.get());
        }
        return reply(request, 501, AmqpMessages.NOT_IMPLEMENTED,
            "Operation '" + operation + "' is not implemented by this test endpoint");
    }

    private Message peek(Message request, Map<?, ?> body, SubscriptionQueue queue) {
        long from = body.get("from-sequence-number") instanceof Number n ? n.longValue() : 1L;
        int count = body.get("message-count") instanceof Number n ? n.intValue() : 1;
        List<SubscriptionQueue.PeekedMessage> peeked = queue.peek(from, count);
        if (peeked.isEmpty()) {
            // The service answers "no content" when there is nothing at or after the sequence number.
            return reply(request, 204, null, "No messages to peek");
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        for (SubscriptionQueue.PeekedMessage message : peeked) {
            messages.add(Map.of("message", new Binary(message.encoded())));
        }
        Message reply = reply(request, 200, null, "OK");
        reply.setBody(new AmqpValue(Map.of("messages", messages)));
        return reply;
    }

    private Message renewLock(Message request, Map<?, ?> body, SubscriptionQueue queue) {
        List<UUID> tokens = lockTokens(body);
        Date[] expirations = new Date[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            Optional<Instant> renewed = queue.renew(tokens.get(i));
            if (renewed.isEmpty()) {
                return reply(request, 410, AmqpMessages.MESSAGE_LOCK_LOST, "The lock supplied is invalid. Either "
                    + "the lock expired, or the message has already been removed from the queue.");
            }
            expirations[i] = Date.from(renewed.get());
        }
        Message reply = reply(request, 200, null, "OK");
        reply.setBody(new AmqpValue(Map.of("expirations", expirations)));
        return reply;
    }

    private Message updateDisposition(Message request, Map<?, ?> body, SubscriptionQueue queue) {
        Object status = body.get("disposition-status");
        for (UUID token : lockTokens(body)) {
            boolean known = switch (String.valueOf(status)) {
                case "completed" -> queue.complete(token);
                case "abandoned" -> queue.abandon(token);
                case "suspended" -> queue.deadLetter(token);
                default -> true;
            };
            if (!known) {
                return reply(request, 410, AmqpMessages.MESSAGE_LOCK_LOST, "The lock supplied is invalid. Either "
                    + "the lock expired, or the message has already been removed from the queue.");
            }
        }
        Message reply = reply(request, 200, null, "OK");
        reply.setBody(new AmqpValue(new HashMap<String, Object>()));
        return reply;
    }

    private static List<UUID> lockTokens(Map<?, ?> body) {
        Object tokens = body.get("lock-tokens");
        List<UUID> result = new ArrayList<>();
        if (tokens instanceof UUID[] array) {
            result.addAll(List.of(array));
        } else if (tokens instanceof Object[] array) {
            for (Object token : array) {
                if (token instanceof UUID uuid) {
                    result.add(uuid);
                }
            }
        }
        return result;
    }

    private static Map<String, Object> applicationProperties(Message message) {
        ApplicationProperties properties = message.getApplicationProperties();
        return properties == null || properties.getValue() == null ? Map.of() : properties.getValue();
    }

    private static Message reply(Message request, int status, Symbol condition, String description) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("statusCode", status);
        properties.put("statusDescription", description);
        if (condition != null) {
            properties.put("errorCondition", condition);
        }
        Message reply = Message.Factory.create();
        reply.setCorrelationId(request.getMessageId());
        reply.setApplicationProperties(new ApplicationProperties(properties));
        return reply;
    }
}
