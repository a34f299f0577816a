package dev.weft.testing.servicebus;

import java.util.Map;
import java.util.function.IntConsumer;

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
        putToken(connection, "jwt", "eyJhbGciOi.fake.jwt", audience, status -> then.run());
    }

    /** Puts a token and reports the reply's {@code status-code}, on the connection's context. */
    static void putToken(ProtonConnection connection, String type, String token, String audience,
                         IntConsumer status) {
        ProtonReceiver replies = connection.createReceiver("$cbs");
        Target replyTo = new Target();
        replyTo.setAddress("cbs-client-reply-to");
        replies.setTarget(replyTo);
        replies.handler((delivery, reply) ->
            status.accept((Integer) reply.getApplicationProperties().getValue().get("status-code")));
        replies.openHandler(repliesOpened -> {
            ProtonSender requests = connection.createSender("$cbs");
            requests.openHandler(requestsOpened -> {
                Message request = Message.Factory.create();
                request.setMessageId(1L);
                request.setReplyTo("cbs-client-reply-to");
                request.setApplicationProperties(new ApplicationProperties(Map.of(
                    "operation", "put-token", "type", type, "name", audience)));
                request.setBody(new AmqpValue(token));
                requests.send(request);
            }).open();
        }).open();
    }
}
