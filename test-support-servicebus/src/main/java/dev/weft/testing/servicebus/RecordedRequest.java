package dev.weft.testing.servicebus;

import java.net.URI;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as the {@link FakeServiceBusHttpClient} received it. Immutable.
 *
 * @param method upper-case HTTP method
 * @param url the full URL, query included
 * @param headers header values by name; {@link #header(String)} looks them up case-insensitively
 * @param body the body as UTF-8 text, empty if none
 */
public record RecordedRequest(String method, String url, Map<String, String> headers, String body) {

    /** Copies the headers into a case-insensitive, unmodifiable map. */
    public RecordedRequest {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? "" : body;
        method = method.toUpperCase(Locale.ROOT);
    }

    /** A header's value, or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The URL's path, without query. */
    public String path() {
        return URI.create(url).getRawPath();
    }

    /** The URL's host. */
    public String host() {
        return URI.create(url).getHost();
    }

    /** Whether this request went to Azure Resource Manager rather than to the namespace's administration API. */
    public boolean isResourceManager() {
        return "management.azure.com".equalsIgnoreCase(host());
    }

    @Override
    public String toString() {
        return method + " " + url;
    }
}
