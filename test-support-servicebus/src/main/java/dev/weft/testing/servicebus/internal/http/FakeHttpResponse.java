package dev.weft.testing.servicebus.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A complete, in-memory HTTP response. Immutable. */
public final class FakeHttpResponse extends HttpResponse {

    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    public FakeHttpResponse(HttpRequest request, int status, String contentType, String body) {
        super(request);
        this.status = status;
        this.body = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        this.headers = new HttpHeaders()
            .set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(this.body.length))
            .set(HttpHeaderName.fromString("x-ms-request-id"), java.util.UUID.randomUUID().toString());
        if (contentType != null && this.body.length > 0) {
            headers.set(HttpHeaderName.CONTENT_TYPE, contentType);
        }
    }

    /** Adds a header (e.g. Retry-After) and returns this response. */
    public FakeHttpResponse withHeader(String name, String value) {
        headers.set(HttpHeaderName.fromString(name), value);
        return this;
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
        return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body.clone()));
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
        return body.length == 0 ? Mono.empty() : Mono.just(body.clone());
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
