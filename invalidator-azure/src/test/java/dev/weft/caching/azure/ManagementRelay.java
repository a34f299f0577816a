package dev.weft.caching.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Serves a {@link FakeServiceBusHttpClient} on 127.0.0.1 over plain HTTP, so that a peer JVM's management calls
 * reach the same in-memory namespace as this JVM's (the fake lives in this JVM's memory). The peer uses
 * {@link RelayHttpClient}, which sends every request here with its original host in {@link #ORIGINAL_HOST}.
 */
public final class ManagementRelay implements AutoCloseable {

    static final String ORIGINAL_HOST = "X-Weft-Original-Host";

    private final HttpServer server;

    public ManagementRelay(FakeServiceBusHttpClient fake) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> relay(fake, exchange));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void relay(FakeServiceBusHttpClient fake, HttpExchange exchange) throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst(ORIGINAL_HOST);
            URI uri = exchange.getRequestURI();
            HttpHeaders headers = new HttpHeaders();
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                if (!h.getKey().equalsIgnoreCase(ORIGINAL_HOST)) {
                    headers.set(HttpHeaderName.fromString(h.getKey()), h.getValue());
                }
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest request = new HttpRequest(HttpMethod.valueOf(exchange.getRequestMethod()),
                    "https://" + host + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
                    .setHeaders(headers);
            if (body.length > 0) {
                request.setBody(BinaryData.fromBytes(body));
            }
            HttpResponse response = fake.send(request).block();
            byte[] answer = response.getBodyAsByteArray().blockOptional().orElse(new byte[0]);
            response.getHeaders().forEach(h -> {
                if (!h.getName().equalsIgnoreCase("Content-Length")) {
                    exchange.getResponseHeaders().add(h.getName(), h.getValue());
                }
            });
            exchange.sendResponseHeaders(response.getStatusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
