package dev.weft.caching.azure.internal;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sorting of the SDK's errors. The closed-link case is what a slow machine showed in CI: a publisher on a missing
 * topic reported "Cannot publish message when disposed" (a send on the link the SDK had just closed on the
 * namespace's refusal) instead of "the topic does not exist"; the probe now tries again on a new link when it sees it.
 * The race itself is inside the SDK and cannot be provoked on demand; {@code StartupErrorsTest} covers the outcome.
 */
class ServiceBusErrorsTest {

    /** The SDK's words (azure-core-amqp 2.12's ReactorSender), as it reports a send on a closed link. */
    private static final String CLOSED_LINK =
            "connectionId[MF_4c9feb_1796635045439] linkName[no-such-topicno-such-topic] Cannot publish message when "
                    + "disposed.";

    @Test
    void aSendOnALinkTheSdkHadAlreadyClosedIsRecognizedAnywhereInTheCauseChain() {
        IllegalStateException closed = new IllegalStateException(CLOSED_LINK);

        assertThat(ServiceBusErrors.isLinkClosedBeforeSend(closed)).isTrue();
        assertThat(ServiceBusErrors.isLinkClosedBeforeSend(new ExecutionException(closed))).isTrue();
        assertThat(ServiceBusErrors.isLinkClosedBeforeSend(new IllegalStateException("connectionId[x] linkName[y] "
                + "Cannot publish data batch when disposed."))).isTrue();
    }

    @Test
    void aClosedLinkIsNeitherPermanentNorMistakenForOtherErrors() {
        assertThat(ServiceBusErrors.isPermanent(new IllegalStateException(CLOSED_LINK)))
                .as("a closed link says nothing about the entity: it is retried, not reported").isFalse();
        assertThat(ServiceBusErrors.isLinkClosedBeforeSend(new IllegalStateException("the SDK returned no batch")))
                .isFalse();
        AmqpException notFound = new AmqpException(false, AmqpErrorCondition.NOT_FOUND, "The messaging entity "
                + "'sb://localhost/no-such-topic' could not be found.", null);
        assertThat(ServiceBusErrors.isLinkClosedBeforeSend(notFound)).isFalse();
        assertThat(ServiceBusErrors.classify(notFound)).isEqualTo(ServiceBusErrors.Problem.ENTITY_NOT_FOUND);
    }
}
