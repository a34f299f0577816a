package dev.weft.testing.servicebus.internal.amqp;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import dev.weft.testing.servicebus.AccessRight;
import dev.weft.testing.servicebus.ServiceBusNamespaceModel;
import dev.weft.testing.servicebus.internal.SasToken;

/**
 * The claims-based-security node {@code $cbs}: answers put-token requests. A shared access signature is verified
 * against the namespace's policies (signature, expiry, and that its resource covers the requested audience); a
 * JSON web token (what the SDK sends for a {@code TokenCredential}) is accepted as it stands, with the rights the
 * endpoint was configured to give JWTs, or refused if it gives none. Accepted tokens become grants on the
 * connection; rights are checked later, when a link attaches.
 *
 * <p>Replies carry {@code status-code} as an AMQP int: the SDK casts it to {@code int} and fails on a long.
 * Thread-safe (stateless apart from the model, which is).
 */
final class CbsNode {

    static final String ADDRESS = "$cbs";
    static final String SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";
    static final String JWT_TOKEN_TYPE = "jwt";

    private final ServiceBusNamespaceModel model;
    private final Set<AccessRight> jwtRights;
    private final Clock clock;
    private final EndpointStatistics statistics;

    CbsNode(ServiceBusNamespaceModel model, Set<AccessRight> jwtRights, Clock clock, EndpointStatistics statistics) {
        this.model = model;
        this.jwtRights = Set.copyOf(jwtRights);
        this.clock = clock;
        this.statistics = statistics;
    }

    Message handle(Message request, ConnectionAuthorizations authorizations) {
        Map<String, Object> properties = applicationProperties(request);
        Object operation = properties.get("operation");
        Object type = properties.get("type");
        Object audience = properties.get("name");
        Object body = request.getBody() instanceof AmqpValue value ? value.getValue() : null;
        if (!"put-token".equals(operation)) {
            return reply(request, 400, "Bad request: unsupported $cbs operation '" + operation + "'");
        }
        if (!(audience instanceof String name) || !(body instanceof String token) || token.isEmpty()
            || !isAbsoluteUri(name)) {
            return reply(request, 400, "Bad request: put-token needs a 'name' audience URI and a string token");
        }
        statistics.nodeRequest("$cbs put-token " + type + " " + name);
        Instant now = clock.instant();
        if (SAS_TOKEN_TYPE.equals(type)) {
            return putSharedAccessSignature(request, name, token, now, authorizations);
        }
        if (JWT_TOKEN_TYPE.equals(type)) {
            if (jwtRights.isEmpty()) {
                return refuse(request, name, "InvalidIssuer: Token issuer is invalid. (this endpoint refuses JWTs)");
            }
            authorizations.grant(new ConnectionAuthorizations.Grant(name, jwtRights, jwtExpiry(properties, now)));
            return reply(request, 202, "Accepted");
        }
        return reply(request, 400, "Bad request: unsupported token type '" + type + "'");
    }

    private Message putSharedAccessSignature(Message request, String audience, String token, Instant now,
                                             ConnectionAuthorizations authorizations) {
        Optional<SasToken> parsed = SasToken.parse(token);
        if (parsed.isEmpty()) {
            return refuse(request, audience, "InvalidSignature: The token is not a shared access signature.");
        }
        SasToken sas = parsed.get();
        SasToken.Verification verification = sas.verify(model::key, now);
        if (!verification.valid()) {
            return refuse(request, audience, verification.refusal());
        }
        if (!sas.covers(audience)) {
            return refuse(request, audience, "InvalidAudience: The token audience '" + sas.resource()
                + "' does not cover '" + audience + "'.");
        }
        authorizations.grant(
            new ConnectionAuthorizations.Grant(audience, verification.key().rights(), sas.expiresAt()));
        return reply(request, 202, "Accepted");
    }

    private Message refuse(Message request, String audience, String description) {
        statistics.authorizationFailed("put-token for " + audience + ": " + description);
        return reply(request, 401, description);
    }

    private static Instant jwtExpiry(Map<String, Object> properties, Instant now) {
        Object expiration = properties.get("expiration");
        return expiration instanceof Date date ? date.toInstant() : now.plusSeconds(3600);
    }

    private static boolean isAbsoluteUri(String value) {
        try {
            return URI.create(value).getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, Object> applicationProperties(Message message) {
        ApplicationProperties properties = message.getApplicationProperties();
        return properties == null || properties.getValue() == null ? Map.of() : properties.getValue();
    }

    private static Message reply(Message request, int status, String description) {
        Message reply = Message.Factory.create();
        reply.setCorrelationId(request.getMessageId());
        reply.setApplicationProperties(new ApplicationProperties(Map.of(
            "status-code", status,
            "status-description", description)));
        return reply;
    }
}
