package dev.weft.testing.servicebus;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;

import dev.weft.testing.servicebus.internal.http.AdministrationApi;
import dev.weft.testing.servicebus.internal.http.FakeHttpResponse;
import dev.weft.testing.servicebus.internal.http.ResourceManagerApi;
import reactor.core.publisher.Mono;

/**
 * A {@link HttpClient} that answers the Service Bus management APIs from a {@link ServiceBusNamespaceModel}, with
 * no network: plug it into {@code ServiceBusAdministrationClientBuilder.httpClient(...)} (the Atom/XML API on
 * {@code https://<namespace>/...}) or {@code ServiceBusManager.configure().withHttpClient(...)} (Resource Manager
 * on {@code https://management.azure.com/...}). Subscriptions it creates are the ones the
 * {@link ServiceBusTestEndpoint} on the same model delivers to.
 *
 * <p>It records every request ({@link #requests()}) and can be told to fail the next requests that match a
 * predicate with a given status and a service-like error body ({@link #failNext}), e.g. 401, 403, 404, 409, 429
 * or 500. Without a programmed failure it validates: the administration API needs a SAS signed by a policy with
 * the Manage right (or a bearer token), Resource Manager needs a bearer token.
 *
 * <p>Thread-safe. Requests are answered synchronously on the calling thread.
 */
public final class FakeServiceBusHttpClient implements HttpClient {

    private final AdministrationApi administration;
    private final ResourceManagerApi resourceManager;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    /** Serves {@code model}, with the system clock. */
    public FakeServiceBusHttpClient(ServiceBusNamespaceModel model) {
        this(model, Clock.systemUTC());
    }

    /** Serves {@code model}; {@code clock} judges SAS expiry and stamps created/updated times. */
    public FakeServiceBusHttpClient(ServiceBusNamespaceModel model, Clock clock) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(clock, "clock");
        this.administration = new AdministrationApi(model, clock);
        this.resourceManager = new ResourceManagerApi(model, clock);
    }

    /**
     * Makes Resource Manager answer 404 for any namespace but this one (by default every
     * subscription/resource group/namespace triple maps to the model).
     */
    public FakeServiceBusHttpClient expectResourceManagerNamespace(String azureSubscriptionId, String resourceGroup,
                                                                   String namespace) {
        resourceManager.expectNamespace(
            new ResourceManagerApi.NamespaceId(azureSubscriptionId, resourceGroup, namespace));
        return this;
    }

    /**
     * Answers the next {@code count} requests that match {@code matching} with {@code status} and a service-like
     * error body (XML for the administration API, JSON for Resource Manager), without touching the model.
     * Programmed failures are consumed in the order they were added.
     */
    public FakeServiceBusHttpClient failNext(int count, Predicate<RecordedRequest> matching, int status) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, not " + count);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an error status (4xx or 5xx), not " + status);
        }
        failures.add(new Failure(new AtomicInteger(count), Objects.requireNonNull(matching, "matching"), status));
        return this;
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests received so far that match. */
    public List<RecordedRequest> requests(Predicate<RecordedRequest> matching) {
        return requests.stream().filter(matching).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.fromCallable(() -> answer(request));
    }

    private HttpResponse answer(HttpRequest http) {
        RecordedRequest request = record(http);
        requests.add(request);
        for (Failure failure : failures) {
            if (failure.matching().test(request) && failure.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return programmedFailure(http, request, failure.status());
            }
        }
        return request.isResourceManager()
            ? resourceManager.handle(http, request)
            : administration.handle(http, request);
    }

    private static RecordedRequest record(HttpRequest http) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHeader header : http.getHeaders()) {
            headers.put(header.getName(), header.getValue());
        }
        BinaryData body = http.getBodyAsBinaryData();
        return new RecordedRequest(http.getHttpMethod().name(), http.getUrl().toString(), headers,
            body == null ? "" : body.toString());
    }

    private static FakeHttpResponse programmedFailure(HttpRequest http, RecordedRequest request, int status) {
        String message = switch (status) {
            case 401 -> "Unauthorized: the test fake was told to refuse this request.";
            case 403 -> "Forbidden: the client does not have authorization to perform this action.";
            case 404 -> "The resource could not be found.";
            case 409 -> "Conflict: the entity already exists or is being changed.";
            case 429 -> "Too many requests. Please retry after some time.";
            default -> "The server encountered an internal error (programmed by the test). Please retry.";
        };
        FakeHttpResponse response;
        if (request.isResourceManager()) {
            String code = switch (status) {
                case 401 -> "AuthenticationFailed";
                case 403 -> "AuthorizationFailed";
                case 404 -> "ResourceNotFound";
                case 409 -> "Conflict";
                case 429 -> "TooManyRequests";
                default -> "InternalServerError";
            };
            response = ResourceManagerApi.error(http, status, code, message);
        } else {
            response = AdministrationApi.error(http, status, message);
        }
        return status == 429 ? response.withHeader("Retry-After", "1") : response;
    }

    private record Failure(AtomicInteger remaining, Predicate<RecordedRequest> matching, int status) {
    }
}
