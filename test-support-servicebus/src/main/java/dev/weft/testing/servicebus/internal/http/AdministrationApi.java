package dev.weft.testing.servicebus.internal.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import com.azure.core.http.HttpRequest;

import dev.weft.testing.servicebus.AccessRight;
import dev.weft.testing.servicebus.RecordedRequest;
import dev.weft.testing.servicebus.ServiceBusNamespaceModel;
import dev.weft.testing.servicebus.SubscriptionProperties;
import dev.weft.testing.servicebus.TopicProperties;
import dev.weft.testing.servicebus.internal.SasToken;

/**
 * The namespace's Atom/XML administration API ({@code https://<namespace>/<topic>/subscriptions/<name>}) as
 * {@code ServiceBusAdministrationClient} uses it for topics and subscriptions: create (PUT, 201, or 409 if it
 * exists), update (PUT with {@code If-Match: *}, 200), get (200 entry or 404), delete (200 or 404) and list.
 * Requests must carry a shared access signature of a policy with the Manage right, or a bearer token.
 * Thread-safe (the model is).
 */
public final class AdministrationApi {

    private final ServiceBusNamespaceModel model;
    private final Clock clock;

    public AdministrationApi(ServiceBusNamespaceModel model, Clock clock) {
        this.model = model;
        this.clock = clock;
    }

    public FakeHttpResponse handle(HttpRequest http, RecordedRequest request) {
        Optional<FakeHttpResponse> unauthorized = authorize(http, request);
        if (unauthorized.isPresent()) {
            return unauthorized.get();
        }
        String[] segments = segments(request.path());
        String baseUrl = "https://" + request.host();
        Instant now = clock.instant();
        try {
            if (segments.length == 1) {
                return topic(http, request, segments[0], baseUrl, now);
            }
            if (segments.length == 2 && segments[1].equalsIgnoreCase("subscriptions")
                && request.method().equals("GET")) {
                List<String> entries = model.subscriptions(segments[0]).stream()
                    .map(s -> AtomXml.subscriptionEntry(baseUrl, segments[0], s, now)).toList();
                return xml(http, 200, AtomXml.feed(request.url(), "Subscriptions", entries, now));
            }
            if (segments.length == 3 && segments[1].equalsIgnoreCase("subscriptions")) {
                return subscription(http, request, segments[0], segments[2], baseUrl, now);
            }
        } catch (IllegalArgumentException e) {
            return error(http, 400, e.getMessage());
        }
        return error(http, 404, "No administration resource at '" + request.path() + "' in this test fake.");
    }

    private FakeHttpResponse topic(HttpRequest http, RecordedRequest request, String name, String baseUrl,
                                   Instant now) {
        switch (request.method()) {
            case "GET":
                return model.topic(name)
                    .map(t -> xml(http, 200, AtomXml.topicEntry(baseUrl, t, model.subscriptions(name).size(), now)))
                    .orElseGet(() -> notFound(http, "Topic", name));
            case "PUT":
                TopicProperties topic = AtomXml.parseTopic(name, request.body());
                if (!model.createTopic(topic)) {
                    return conflict(http, name);
                }
                return xml(http, 201, AtomXml.topicEntry(baseUrl, topic, 0, now));
            case "DELETE":
                return model.deleteTopic(name) ? xml(http, 200, null) : notFound(http, "Topic", name);
            default:
                return error(http, 405, request.method() + " is not allowed on a topic.");
        }
    }

    private FakeHttpResponse subscription(HttpRequest http, RecordedRequest request, String topic, String name,
                                          String baseUrl, Instant now) {
        if (model.topic(topic).isEmpty()) {
            return notFound(http, "Topic", topic);
        }
        switch (request.method()) {
            case "GET":
                return model.subscription(topic, name)
                    .map(s -> xml(http, 200, AtomXml.subscriptionEntry(baseUrl, topic, s, now)))
                    .orElseGet(() -> notFound(http, "Subscription", topic + "|" + name));
            case "PUT":
                SubscriptionProperties properties = AtomXml.parseSubscription(name, request.body());
                try {
                    if ("*".equals(request.header("If-Match"))) {
                        return model.updateSubscription(topic, properties)
                            ? xml(http, 200, AtomXml.subscriptionEntry(baseUrl, topic, properties, now))
                            : notFound(http, "Subscription", topic + "|" + name);
                    }
                    if (!model.createSubscription(topic, properties)) {
                        return conflict(http, topic + "|" + name);
                    }
                } catch (NoSuchElementException e) {
                    return notFound(http, "Topic", topic);
                }
                return xml(http, 201, AtomXml.subscriptionEntry(baseUrl, topic, properties, now));
            case "DELETE":
                return model.deleteSubscription(topic, name)
                    ? xml(http, 200, null) : notFound(http, "Subscription", topic + "|" + name);
            default:
                return error(http, 405, request.method() + " is not allowed on a subscription.");
        }
    }

    private Optional<FakeHttpResponse> authorize(HttpRequest http, RecordedRequest request) {
        String authorization = request.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            return Optional.of(error(http, 401, "MissingToken: The authorization header was not found."));
        }
        if (authorization.startsWith("Bearer ")) {
            return Optional.empty();
        }
        Optional<SasToken> token = SasToken.parse(authorization);
        if (token.isEmpty()) {
            return Optional.of(error(http, 401, "InvalidSignature: The token is not a shared access signature."));
        }
        SasToken.Verification verification = token.get().verify(model::key, clock.instant());
        if (!verification.valid()) {
            return Optional.of(error(http, 401, verification.refusal()));
        }
        if (!token.get().covers(request.url())) {
            return Optional.of(error(http, 401, "InvalidAudience: The token audience '" + token.get().resource()
                + "' does not cover '" + request.url() + "'."));
        }
        if (!verification.key().grants(AccessRight.MANAGE)) {
            return Optional.of(error(http, 401, "Unauthorized access. 'Manage' claim(s) are required to perform "
                + "this operation. Resource: '" + request.url() + "'."));
        }
        return Optional.empty();
    }

    private static FakeHttpResponse notFound(HttpRequest http, String kind, String name) {
        return error(http, 404, kind + " '" + name + "' could not be found. TrackingId:" + java.util.UUID.randomUUID());
    }

    private static FakeHttpResponse conflict(HttpRequest http, String name) {
        return error(http, 409, "Entity '" + name + "' already exists. TrackingId:" + java.util.UUID.randomUUID());
    }

    public static FakeHttpResponse error(HttpRequest http, int status, String detail) {
        return new FakeHttpResponse(http, status, "application/xml; charset=utf-8", AtomXml.error(status, detail));
    }

    private static FakeHttpResponse xml(HttpRequest http, int status, String body) {
        return new FakeHttpResponse(http, status, AtomXml.CONTENT_TYPE, body);
    }

    private static String[] segments(String rawPath) {
        String trimmed = rawPath.replaceAll("^/+", "").replaceAll("/+$", "");
        if (trimmed.isEmpty()) {
            return new String[0];
        }
        String[] parts = trimmed.split("/");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        return parts;
    }
}
