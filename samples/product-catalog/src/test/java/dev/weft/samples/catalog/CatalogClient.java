package dev.weft.samples.catalog;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tests do as clients of the catalog: HTTP calls to an instance, and plain SQL on the database. */
final class CatalogClient {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private CatalogClient() {
    }


    /** Reads a product twice on one instance, so that it is cached there (and checks that it is). */
    static void cacheOn(URI instance, long id) {
        get(instance, "/products/" + id);
        assertThat(field(get(instance, "/products/" + id), "source")).isEqualTo("cache");
    }

    static long price(URI instance, long id) {
        return Long.parseLong(field(get(instance, "/products/" + id), "priceCents"));
    }

    static long counter(URI instance, String name) {
        return Long.parseLong(field(get(instance, "/stats"), name));
    }

    static boolean connected(URI instance) {
        return field(get(instance, "/stats"), "connected").equals("true");
    }

    /** What an admin tool or another application does: plain SQL, no Weft. */
    static void updatePriceInTheDatabase(String databaseUrl, long id, long priceCents) throws SQLException {
        try (Connection connection = DriverManager.getConnection(databaseUrl, "sa", "");
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE product SET price_cents = ? WHERE id = ?")) {
            update.setLong(1, priceCents);
            update.setLong(2, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    static String get(URI instance, String path) {
        return send(HttpRequest.newBuilder(instance.resolve(path)).GET());
    }

    static String put(URI instance, String pathAndQuery) {
        return send(HttpRequest.newBuilder(instance.resolve(pathAndQuery)).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    static String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("status of %s: %s", response.uri(), response.body()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A scalar field of the API's JSON answers (flat objects, or objects of flat objects). */
    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]*)")
                .matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no field \"" + name + "\" in " + json);
        }
        return matcher.group(2) != null ? matcher.group(2) : matcher.group(1);
    }
}
