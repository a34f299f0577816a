package dev.weft.samples.boot;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample starts on a random port and serves a cached GET /products/{id}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "logging.level.root=warn")
class CatalogApplicationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Test
    void aSecondGetIsServedFromTheCache() throws Exception {
        HttpResponse<String> first = get("/products/42");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"name\":\"Product 42\"");
        String queries = get("/queries").body();

        assertThat(get("/products/42").body()).isEqualTo(first.body());
        assertThat(get("/queries").body()).as("no SQL for a hit").isEqualTo(queries);
    }

    @Test
    void aRenameInvalidatesTheCachedProduct() throws Exception {
        assertThat(get("/products/7").body()).contains("Product 7");
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri("/products/7?name=Blue%20Mug"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(204);
        assertThat(get("/products/7").body()).contains("\"name\":\"Blue Mug\"");
    }

    @Test
    void theWeftEndpointListsTheCachedMethodWithItsProfile() throws Exception {
        get("/products/1");
        assertThat(get("/actuator/weft").body()).contains("findProduct").contains("\"profile\":\"products\"");
        assertThat(get("/actuator/health").body()).contains("\"weft\"").contains("\"status\":\"UP\"");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
