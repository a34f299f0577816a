package dev.weft.testing.servicebus;

/**
 * Told about entity deletions in a {@link ServiceBusNamespaceModel}, so that whoever serves traffic for the
 * namespace (the AMQP endpoint) can detach the links of an entity that no longer exists, as the service does.
 *
 * <p>Called on the thread that changed the model, after the change and outside the model's lock; an
 * implementation must be quick and must not throw (an exception is propagated to the caller that changed the
 * model).
 */
public interface NamespaceListener {

    /** The topic and all its subscriptions are gone. */
    default void topicDeleted(String topic) {
    }

    /** The subscription is gone; its messages with it. */
    default void subscriptionDeleted(String topic, String subscription) {
    }
}
