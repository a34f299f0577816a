package dev.weft.testing.servicebus.internal.amqp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weft.testing.servicebus.AccessRight;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.ProtonSession;

/**
 * One client's AMQP connection: routes each link the client attaches to what it addresses.
 *
 * <ul>
 *   <li>client sender links: {@code $cbs} and {@code <entity>/$management} requests, or a topic to publish to;</li>
 *   <li>client receiver links: the reply links of those nodes (found again by the request's reply-to, which
 *       is the link's target address), or {@code <topic>/subscriptions/<name>} to consume from.</li>
 * </ul>
 * A link to an entity that does not exist is refused the way the service refuses it: an attach without
 * source/target, then a detach carrying {@code amqp:not-found}. Confined to the event loop.
 */
final class ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final ProtonConnection connection;
    private final Broker broker;
    private final ConnectionAuthorizations authorizations = new ConnectionAuthorizations();
    private final Map<String, ProtonSender> replyLinks = new HashMap<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private boolean closed;

    ClientConnection(ProtonConnection connection, Broker broker) {
        this.connection = connection;
        this.broker = broker;
    }

    void start() {
        connection.openHandler(opened -> {
            connection.setContainer("weft-servicebus-test-endpoint");
            connection.open();
        });
        connection.closeHandler(closing -> {
            connection.close();
            cleanUp();
        });
        connection.disconnectHandler(disconnected -> cleanUp());
        connection.sessionOpenHandler(ProtonSession::open);
        connection.receiverOpenHandler(this::clientSenderAttached);
        connection.senderOpenHandler(this::clientReceiverAttached);
    }

    /** Drops the socket: no close frame, as when the network fails. */
    void disconnect() {
        connection.disconnect();
        cleanUp();
    }

    private void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.forEach(Runnable::run);
        onClose.clear();
        broker.forget(this);
    }

    // ------------------------------------------------------------------ links the client sends on

    private void clientSenderAttached(ProtonReceiver link) {
        String address = link.getRemoteTarget() == null ? null : link.getRemoteTarget().getAddress();
        link.setTarget(link.getRemoteTarget());
        link.setSource(link.getRemoteSource());
        if (CbsNode.ADDRESS.equals(address)) {
            serveRequests(link, request -> broker.cbs().handle(request, authorizations));
            return;
        }
        Optional<ErrorCondition> refusal = broker.linkRefusal();
        if (refusal.isPresent()) {
            refuse(link, refusal.get());
        } else if (address != null && address.endsWith(ManagementNode.SUFFIX)) {
            String entity = address.substring(0, address.length() - ManagementNode.SUFFIX.length());
            if (!entityExists(entity)) {
                refuse(link, Broker.notFound(entity));
            } else {
                serveRequests(link, request -> broker.management().handle(entity, request, authorizations));
            }
        } else if (address == null || !broker.topicExists(address)) {
            refuse(link, Broker.notFound(String.valueOf(address)));
        } else {
            Optional<String> unauthorized =
                authorizations.refusal(address, AccessRight.SEND, broker.clock().instant());
            if (unauthorized.isPresent()) {
                broker.statistics().authorizationFailed("attach of a sender to " + address + ": "
                    + unauthorized.get());
                refuse(link, AmqpMessages.error(AmqpMessages.UNAUTHORIZED, unauthorized.get()));
            } else {
                acceptPublisher(link, address);
            }
        }
    }

    private void serveRequests(ProtonReceiver link, Function<Message, Message> node) {
        link.handler((delivery, request) -> {
            Message reply = node.apply(request);
            ProtonSender replyLink = replyLinks.get(request.getReplyTo());
            if (replyLink == null || !replyLink.isOpen()) {
                LOG.warn("No reply link attached for reply-to '{}'; request {} dropped", request.getReplyTo(),
                    request.getMessageId());
                return;
            }
            reply.setAddress(request.getReplyTo());
            replyLink.send(reply);
        });
        link.open();
    }

    private void publishAndSettle(String topic, ProtonDelivery delivery, Message message) {
        if (broker.publishesThrottled()) {
            Rejected rejected = new Rejected();
            rejected.setError(AmqpMessages.error(org.apache.qpid.proton.amqp.Symbol.valueOf("com.microsoft:server-busy"),
                "The request was terminated because the entity is being throttled (test endpoint). Please retry."));
            broker.statistics().throttledTransfer();
            delivery.disposition(rejected, true);
            return;
        }
        if (!broker.topicExists(topic)) {
            Rejected rejected = new Rejected();
            rejected.setError(Broker.notFound(topic));
            delivery.disposition(rejected, true);
            return;
        }
        try {
            broker.publish(topic, message);
        } catch (IllegalArgumentException deletedMeanwhile) {
            Rejected rejected = new Rejected();
            rejected.setError(Broker.notFound(topic));
            delivery.disposition(rejected, true);
            return;
        }
        delivery.disposition(Accepted.getInstance(), true);
    }

    private void acceptPublisher(ProtonReceiver link, String topic) {
        link.setAutoAccept(false);
        link.setMaxMessageSize(UnsignedLong.valueOf(broker.maxMessageSize()));
        // vertx-proton detaches the link with amqp:link:message-size-exceeded after this handler, as the
        // service does when a transfer exceeds the max-message-size it announced.
        link.maxMessageSizeExceededHandler(l -> broker.statistics().oversizedTransfer());
        link.handler((delivery, message) -> {
            Runnable publish = () -> publishAndSettle(topic, delivery, message);
            if (!broker.holdIfHeld(publish)) {
                publish.run();
            }
        });
        broker.publisherAttached(topic, link);
        Runnable detach = () -> broker.publisherDetached(topic, link);
        onClose.add(detach);
        link.closeHandler(closed -> {
            detach.run();
            link.close();
        });
        link.detachHandler(detached -> {
            detach.run();
            link.detach();
        });
        link.open();
    }

    // ------------------------------------------------------------------ links the client receives on

    private void clientReceiverAttached(ProtonSender link) {
        String source = link.getRemoteSource() == null ? null : link.getRemoteSource().getAddress();
        String target = link.getRemoteTarget() == null ? null : link.getRemoteTarget().getAddress();
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        if (CbsNode.ADDRESS.equals(source)) {
            acceptReplyLink(link, target);
            return;
        }
        Optional<ErrorCondition> refusal = broker.linkRefusal();
        if (refusal.isPresent()) {
            refuse(link, refusal.get());
            return;
        }
        if (source != null && source.endsWith(ManagementNode.SUFFIX)) {
            String entity = source.substring(0, source.length() - ManagementNode.SUFFIX.length());
            if (entityExists(entity)) {
                acceptReplyLink(link, target);
            } else {
                refuse(link, Broker.notFound(entity));
            }
            return;
        }
        Optional<SubscriptionKey> key = SubscriptionKey.parseAddress(source);
        Optional<SubscriptionQueue> queue = key.flatMap(broker::queue);
        if (queue.isEmpty()) {
            refuse(link, Broker.notFound(String.valueOf(source)));
            return;
        }
        Optional<String> unauthorized = authorizations.refusal(source, AccessRight.LISTEN, broker.clock().instant());
        if (unauthorized.isPresent()) {
            broker.statistics().authorizationFailed("attach of a receiver to " + source + ": " + unauthorized.get());
            refuse(link, AmqpMessages.error(AmqpMessages.UNAUTHORIZED, unauthorized.get()));
            return;
        }
        acceptConsumer(link, key.get());
    }

    private void acceptReplyLink(ProtonSender link, String replyTo) {
        replyLinks.put(replyTo, link);
        closeTogether(link, () -> replyLinks.remove(replyTo, link));
        link.open();
    }

    private void acceptConsumer(ProtonSender link, SubscriptionKey key) {
        // PEEK_LOCK deliveries are settled by us once the client's outcome arrives, not automatically.
        link.setAutoSettle(false);
        link.open();
        Runnable detach = () -> broker.queue(key).ifPresent(queue -> queue.removeConsumer(link));
        closeTogether(link, detach);
        broker.queue(key).ifPresent(queue -> queue.addConsumer(link));
    }

    private void closeTogether(ProtonLink<?> link, Runnable cleanUp) {
        onClose.add(cleanUp);
        link.closeHandler(closed -> {
            cleanUp.run();
            link.close();
        });
        link.detachHandler(detached -> {
            cleanUp.run();
            link.detach();
        });
    }

    private boolean entityExists(String entity) {
        Optional<SubscriptionKey> subscription = SubscriptionKey.parseAddress(entity);
        return subscription.isPresent() ? broker.queue(subscription.get()).isPresent() : broker.topicExists(entity);
    }

    private void refuse(ProtonLink<?> link, ErrorCondition condition) {
        if (link instanceof ProtonSender) {
            link.setSource(null);
        } else {
            link.setTarget(null);
            // The SDK takes any attach reply as "link active" and reads max-message-size from it before it sees
            // the detach; without one, a send fails with "maximum message size: 0 kb" instead of the real error.
            link.setMaxMessageSize(UnsignedLong.valueOf(broker.maxMessageSize()));
        }
        link.setCondition(condition);
        link.open();
        link.close();
    }
}
