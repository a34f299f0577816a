package dev.weft.testing.servicebus.internal.http;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.azure.core.http.HttpRequest;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonWriter;

import dev.weft.testing.servicebus.RecordedRequest;
import dev.weft.testing.servicebus.ServiceBusNamespaceModel;
import dev.weft.testing.servicebus.SubscriptionProperties;
import dev.weft.testing.servicebus.TopicProperties;

/**
 * The Azure Resource Manager routes of {@code Microsoft.ServiceBus} that {@code azure-resourcemanager-servicebus}
 * uses for a namespace's topics and subscriptions: GET namespace, GET/PUT topic, GET (list) subscriptions, and
 * GET/PUT/DELETE subscription. PUT is create-or-update, as in ARM (200, never 409); DELETE of a missing
 * subscription is 204. Requests need a bearer token (any non-empty one). Thread-safe.
 */
public final class ResourceManagerApi {

    private static final Pattern PATH = Pattern.compile("(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)"
        + "/providers/Microsoft\\.ServiceBus/namespaces/([^/]+)"
        + "(?:/topics/([^/]+)(?:/(subscriptions)(?:/([^/]+))?)?)?/?$");
    private static final String JSON = "application/json; charset=utf-8";

    private final ServiceBusNamespaceModel model;
    private final Clock clock;
    private volatile NamespaceId expected;

    /** Which ARM namespace the model stands for; {@code null} fields match any value. */
    public record NamespaceId(String azureSubscriptionId, String resourceGroup, String namespace) {
    }

    public ResourceManagerApi(ServiceBusNamespaceModel model, Clock clock) {
        this.model = model;
        this.clock = clock;
    }

    public void expectNamespace(NamespaceId id) {
        this.expected = id;
    }

    public FakeHttpResponse handle(HttpRequest http, RecordedRequest request) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
            return error(http, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is "
                + "missing or not a bearer token.");
        }
        Matcher path = PATH.matcher(request.path());
        if (!path.matches()) {
            return error(http, 404, "InvalidResourceType", "The resource type could not be found for '"
                + request.path() + "' in this test fake.");
        }
        String namespaceId = "/subscriptions/" + path.group(1) + "/resourceGroups/" + path.group(2)
            + "/providers/Microsoft.ServiceBus/namespaces/" + path.group(3);
        if (!matchesExpected(path.group(1), path.group(2), path.group(3))) {
            return error(http, 404, "ResourceNotFound", "The Resource 'Microsoft.ServiceBus/namespaces/"
                + path.group(3) + "' under resource group '" + path.group(2) + "' was not found.");
        }
        String topic = path.group(4);
        try {
            if (topic == null) {
                return request.method().equals("GET")
                    ? json(http, 200, namespace(namespaceId, path.group(1), path.group(3)))
                    : error(http, 405, "MethodNotAllowed", request.method() + " on a namespace is not supported");
            }
            if (path.group(5) == null) {
                return topic(http, request, namespaceId, topic);
            }
            if (path.group(6) == null) {
                return request.method().equals("GET") ? listSubscriptions(http, namespaceId, topic)
                    : error(http, 405, "MethodNotAllowed", request.method() + " on a collection is not supported");
            }
            return subscription(http, request, namespaceId, topic, path.group(6));
        } catch (IllegalArgumentException e) {
            return error(http, 400, "BadRequest", e.getMessage());
        }
    }

    private boolean matchesExpected(String subscriptionId, String resourceGroup, String namespace) {
        NamespaceId id = expected;
        return id == null
            || (matches(id.azureSubscriptionId(), subscriptionId) && matches(id.resourceGroup(), resourceGroup)
            && matches(id.namespace(), namespace));
    }

    private static boolean matches(String expected, String actual) {
        return expected == null || expected.equalsIgnoreCase(actual);
    }

    private FakeHttpResponse topic(HttpRequest http, RecordedRequest request, String namespaceId, String name) {
        switch (request.method()) {
            case "GET":
                return model.topic(name).map(t -> json(http, 200, topicResource(namespaceId, t)))
                    .orElseGet(() -> notFound(http, "topics", name));
            case "PUT":
                Map<String, Object> properties = properties(request.body());
                TopicProperties topic = new TopicProperties(name, duration(properties, "defaultMessageTimeToLive")
                    .orElse(SubscriptionProperties.INFINITE));
                model.createTopic(topic);
                return json(http, 200, topicResource(namespaceId, model.topic(name).orElse(topic)));
            case "DELETE":
                return model.deleteTopic(name) ? json(http, 200, null) : json(http, 204, null);
            default:
                return error(http, 405, "MethodNotAllowed", request.method() + " on a topic is not supported");
        }
    }

    private FakeHttpResponse listSubscriptions(HttpRequest http, String namespaceId, String topic) {
        if (model.topic(topic).isEmpty()) {
            return notFound(http, "topics", topic);
        }
        List<Object> values = model.subscriptions(topic).stream()
            .map(s -> (Object) subscriptionResource(namespaceId, topic, s)).toList();
        return json(http, 200, Map.of("value", values));
    }

    private FakeHttpResponse subscription(HttpRequest http, RecordedRequest request, String namespaceId,
                                          String topic, String name) {
        if (model.topic(topic).isEmpty()) {
            return error(http, 404, "ParentResourceNotFound", "Failed to perform '" + request.method()
                + "' on resource(s) of type 'namespaces/topics/subscriptions', because the parent resource '"
                + namespaceId + "/topics/" + topic + "' could not be found.");
        }
        switch (request.method()) {
            case "GET":
                return model.subscription(topic, name)
                    .map(s -> json(http, 200, subscriptionResource(namespaceId, topic, s)))
                    .orElseGet(() -> notFound(http, "topics/" + topic + "/subscriptions", name));
            case "PUT":
                SubscriptionProperties subscription = parseSubscription(name, properties(request.body()));
                try {
                    if (!model.createSubscription(topic, subscription)) {
                        model.updateSubscription(topic, subscription);
                    }
                } catch (NoSuchElementException e) {
                    return notFound(http, "topics", topic);
                }
                return json(http, 200, subscriptionResource(namespaceId, topic, subscription));
            case "DELETE":
                return model.deleteSubscription(topic, name) ? json(http, 200, null) : json(http, 204, null);
            default:
                return error(http, 405, "MethodNotAllowed", request.method() + " on a subscription is not supported");
        }
    }

    private Map<String, Object> namespace(String id, String azureSubscriptionId, String name) {
        String now = clock.instant().toString();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("provisioningState", "Succeeded");
        properties.put("status", "Active");
        properties.put("createdAt", now);
        properties.put("updatedAt", now);
        properties.put("serviceBusEndpoint", "https://" + name + ".servicebus.windows.net:443/");
        properties.put("metricId", azureSubscriptionId + ":" + name);
        properties.put("zoneRedundant", false);
        properties.put("disableLocalAuth", false);
        properties.put("minimumTlsVersion", "1.2");
        Map<String, Object> resource = resource(id, name, "Microsoft.ServiceBus/Namespaces", properties);
        resource.put("location", "West Europe");
        resource.put("tags", Map.of());
        resource.put("sku", Map.of("name", "Standard", "tier", "Standard"));
        return resource;
    }

    private Map<String, Object> topicResource(String namespaceId, TopicProperties topic) {
        String now = clock.instant().toString();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("defaultMessageTimeToLive", topic.defaultMessageTimeToLive().toString());
        properties.put("maxSizeInMegabytes", 1024);
        properties.put("sizeInBytes", 0);
        properties.put("subscriptionCount", model.subscriptions(topic.name()).size());
        properties.put("status", "Active");
        properties.put("enableBatchedOperations", true);
        properties.put("enablePartitioning", false);
        properties.put("createdAt", now);
        properties.put("updatedAt", now);
        properties.put("accessedAt", now);
        return resource(namespaceId + "/topics/" + topic.name(), topic.name(),
            "Microsoft.ServiceBus/Namespaces/Topics", properties);
    }

    private Map<String, Object> subscriptionResource(String namespaceId, String topic, SubscriptionProperties s) {
        String now = clock.instant().toString();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("lockDuration", s.lockDuration().toString());
        properties.put("defaultMessageTimeToLive", s.defaultMessageTimeToLive().toString());
        properties.put("autoDeleteOnIdle", s.autoDeleteOnIdle().toString());
        properties.put("maxDeliveryCount", s.maxDeliveryCount());
        properties.put("requiresSession", false);
        properties.put("deadLetteringOnMessageExpiration", false);
        properties.put("deadLetteringOnFilterEvaluationExceptions", true);
        properties.put("enableBatchedOperations", true);
        properties.put("messageCount", 0);
        properties.put("status", "Active");
        properties.put("createdAt", now);
        properties.put("updatedAt", now);
        properties.put("accessedAt", now);
        return resource(namespaceId + "/topics/" + topic + "/subscriptions/" + s.name(), s.name(),
            "Microsoft.ServiceBus/Namespaces/Topics/Subscriptions", properties);
    }

    private static Map<String, Object> resource(String id, String name, String type, Map<String, Object> properties) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("id", id);
        resource.put("name", name);
        resource.put("type", type);
        resource.put("properties", properties);
        return resource;
    }

    private static SubscriptionProperties parseSubscription(String name, Map<String, Object> properties) {
        SubscriptionProperties.Builder builder = SubscriptionProperties.builder(name);
        duration(properties, "lockDuration").ifPresent(builder::lockDuration);
        duration(properties, "defaultMessageTimeToLive").ifPresent(builder::defaultMessageTimeToLive);
        duration(properties, "autoDeleteOnIdle").ifPresent(builder::autoDeleteOnIdle);
        if (properties.get("maxDeliveryCount") instanceof Number count) {
            builder.maxDeliveryCount(count.intValue());
        }
        return builder.build();
    }

    private static Optional<Duration> duration(Map<String, Object> properties, String name) {
        Object value = properties.get(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.parse(value.toString()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("The value '" + value + "' of '" + name
                + "' is not a valid ISO-8601 duration.", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(String body) {
        if (body.isBlank()) {
            return Map.of();
        }
        try (JsonReader reader = JsonProviders.createReader(body)) {
            Object document = reader.readUntyped();
            if (document instanceof Map<?, ?> map && map.get("properties") instanceof Map<?, ?> properties) {
                return (Map<String, Object>) properties;
            }
            return Map.of();
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException("The request body is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static FakeHttpResponse notFound(HttpRequest http, String type, String name) {
        return error(http, 404, "ResourceNotFound", "The Resource 'Microsoft.ServiceBus/namespaces/" + type + "/"
            + name + "' was not found.");
    }

    public static FakeHttpResponse error(HttpRequest http, int status, String code, String message) {
        return json(http, status, Map.of("error", Map.of("code", code, "message", message)));
    }

    private static FakeHttpResponse json(HttpRequest http, int status, Object body) {
        if (body == null) {
            return new FakeHttpResponse(http, status, JSON, null);
        }
        StringWriter out = new StringWriter();
        try (JsonWriter writer = JsonProviders.createWriter(out)) {
            writer.writeUntyped(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FakeHttpResponse(http, status, JSON, out.toString());
    }
}
