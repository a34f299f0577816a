package dev.weft.spring.boot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to an application under test on 127.0.0.1, JSON answers parsed. */
public final class HttpProbe {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    public HttpProbe(int port) {
        this.port = port;
    }

    public String get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET()).body();
    }

    public void put(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.noBody()));
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError("PUT " + path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The JSON answer, whatever the status (the health endpoint answers 503 when DOWN). */
    public Json json(String path) {
        return Json.parse(get(path));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
