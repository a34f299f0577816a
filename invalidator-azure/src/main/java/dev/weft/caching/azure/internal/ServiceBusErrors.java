package dev.weft.caching.azure.internal;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;

/**
 * Sorts the SDK's errors into the few that no retry will fix, and words them for people: which namespace, topic and
 * subscription, and which right is missing. The SDK reports a missing entity or a refused token through several
 * exception types (a {@link ServiceBusException} with a reason, an {@link AmqpException} with an error condition, an
 * azure-core {@link ClientAuthenticationException} from a credential), so the whole cause chain is searched.
 */
final class ServiceBusErrors {

    /** What a failure means for Weft. */
    enum Problem {
        /** The topic or subscription does not exist. */
        ENTITY_NOT_FOUND,
        /** The namespace refused the token: a wrong key, or a policy or identity without the right. */
        UNAUTHORIZED,
        /** No token could be obtained (a credential that cannot authenticate here). */
        NO_TOKEN,
        /** The namespace is throttling (ServerBusy): nothing is wrong with the link or the entity, only slow. */
        THROTTLED,
        /** Anything else: the SDK retries, and so does Weft. */
        TRANSIENT
    }

    private ServiceBusErrors() {
    }

    static Problem classify(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof ServiceBusException) {
                ServiceBusFailureReason reason = ((ServiceBusException) t).getReason();
                if (ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND.equals(reason)) {
                    return Problem.ENTITY_NOT_FOUND;
                }
                if (ServiceBusFailureReason.UNAUTHORIZED.equals(reason)) {
                    return Problem.UNAUTHORIZED;
                }
                if (ServiceBusFailureReason.SERVICE_BUSY.equals(reason)) {
                    return Problem.THROTTLED;
                }
            }
            if (t instanceof AmqpException) {
                AmqpErrorCondition condition = ((AmqpException) t).getErrorCondition();
                if (condition == AmqpErrorCondition.NOT_FOUND) {
                    return Problem.ENTITY_NOT_FOUND;
                }
                if (condition == AmqpErrorCondition.UNAUTHORIZED_ACCESS) {
                    return Problem.UNAUTHORIZED;
                }
                if (condition == AmqpErrorCondition.SERVER_BUSY_ERROR) {
                    return Problem.THROTTLED;
                }
            }
            if (t instanceof ClientAuthenticationException) {
                return Problem.NO_TOKEN;
            }
        }
        return Problem.TRANSIENT;
    }

    /**
     * Whether a send failed because the SDK had already closed the link it was given: when the namespace refuses a
     * link (a missing topic, a missing right), the SDK learns the size limit from the attach reply, then closes the
     * link on the detach that follows; a send that comes in between, while the closed link is still cached, fails
     * with an {@link IllegalStateException} instead of the refusal. A send on a new link reports the refusal.
     */
    static boolean isLinkClosedBeforeSend(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof IllegalStateException && t.getMessage() != null
                    && t.getMessage().contains("when disposed")) {
                return true;
            }
        }
        return false;
    }

    /** Whether no retry will fix it. */
    static boolean isPermanent(Throwable error) {
        Problem p = classify(error);
        return p != Problem.TRANSIENT && p != Problem.THROTTLED;
    }

    /**
     * A sentence saying what is wrong and how to fix it.
     *
     * @param where        "namespace 'x', topic 'y', subscription 'z'"
     * @param receiving    whether a receiver (Listen) or a sender (Send) failed
     * @param authenticate how the connection authenticates, e.g. "a connection string"
     */
    static String explain(Throwable error, String where, boolean receiving, String authenticate) {
        String sdk = rootMessage(error);
        switch (classify(error)) {
            case ENTITY_NOT_FOUND:
                return (receiving ? "the subscription (or its topic) does not exist: " : "the topic does not exist: ")
                        + where + " (" + sdk + ")" + (receiving ? "; create it, or use SubscriptionStrategy.autoCreate()"
                        : "; create it, or use SubscriptionStrategy.autoCreate().createTopicIfMissing()");
            case UNAUTHORIZED:
                return "the namespace refused " + authenticate + " for " + where + " (" + sdk + "): the key is "
                        + "wrong or rotated, or the policy or identity lacks the " + (receiving
                        ? "Listen right (role 'Azure Service Bus Data Receiver')"
                        : "Send right (role 'Azure Service Bus Data Sender')");
            case NO_TOKEN:
                return authenticate + " could not get a token for " + where + " (" + sdk + ")";
            case THROTTLED:
                return "the namespace is throttling requests on " + where + " (" + sdk + ")";
            default:
                return "cannot reach " + where + " (" + sdk + ")";
        }
    }

    /** The exception's message with its root cause's, keys hidden. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        int depth = 0;
        while (root.getCause() != null && root.getCause() != root && depth++ < 20) {
            root = root.getCause();
        }
        String message = String.valueOf(e.getMessage());
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + ": " + root.getMessage();
        }
        return message.replaceAll("(?i)(SharedAccessKey|SharedAccessSignature|sig)=[^;&\\s]*", "$1=***");
    }
}
