package dev.weft.testing.servicebus;

import java.util.Map;

import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.message.Message;

import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;

/** Puts a token on {@code $cbs} from a raw vertx-proton client, for tests that bypass the SDK. */
final class RawCbs {

    private RawCbs() {
    }

    /** Puts a JWT for {@code audience}, then runs {@code then} on the connection's context once it is accepted. */
    static void putJwt(ProtonConnection connection, String audience, Runnable then) {
        ProtonReceiver replies = connection.createReceiver("$cbs");
        Target replyTo = new Target();
        replyTo.setAddress("cbs-client-reply-to");
        replies.setTarget(replyTo);
        replies.handler((delivery, reply) -> then.run());
        replies.openHandler(repliesOpened -> {
            ProtonSender requests = connection.createSender("$cbs");
            requests.openHandler(requestsOpened -> {
                Message request = Message.Factory.create();
                request.setMessageId(1L);
                request.setReplyTo("cbs-client-reply-to");
                request.setApplicationProperties(new ApplicationProperties(Map.of(
                    "operation", "put-token", "type", "jwt", "name", audience)));
                request.setBody(new AmqpValue("eyJhbGciOi.fake.jwt"));
                requests.send(request);
            }).open();
        }).open();
    }
}
