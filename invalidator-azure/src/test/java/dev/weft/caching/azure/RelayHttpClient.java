package dev.weft.caching.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** A peer JVM's management HTTP client: sends every request to a {@link ManagementRelay} in the test JVM. */
public final class RelayHttpClient implements HttpClient {

    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");

    private final int port;
    private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

    public RelayHttpClient(int port) {
        this.port = port;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.fromCallable(() -> relay(request));
    }

    private HttpResponse relay(HttpRequest request) throws Exception {
        URL url = request.getUrl();
        URI target = URI.create("http://127.0.0.1:" + port + url.getPath()
                + (url.getQuery() == null ? "" : "?" + url.getQuery()));
        BinaryData body = request.getBodyAsBinaryData();
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(target)
                .method(request.getHttpMethod().name(), body == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toBytes()))
                .header(ManagementRelay.ORIGINAL_HOST, url.getHost());
        for (HttpHeader h : request.getHeaders()) {
            if (!RESTRICTED.contains(h.getName().toLowerCase(Locale.ROOT))) {
                builder.header(h.getName(), h.getValue());
            }
        }
        java.net.http.HttpResponse<byte[]> response = client.send(builder.build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        HttpHeaders headers = new HttpHeaders();
        response.headers().map().forEach((name, values) -> headers.set(HttpHeaderName.fromString(name), values));
        return new Answer(request, response.statusCode(), headers, response.body());
    }

    /** A complete response in memory. */
    private static final class Answer extends HttpResponse {
        private final int status;
        private final HttpHeaders headers;
        private final byte[] body;

        Answer(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
            super(request);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return body.length == 0 ? Mono.empty() : Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return body.length == 0 ? Mono.empty() : Mono.just(new String(body, charset));
        }
    }
}
