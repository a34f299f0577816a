package dev.weft.samples.catalog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.invalidation.InvalidatorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three endpoints, on the JDK's {@link HttpServer}:
 * <ul>
 *   <li>{@code GET /products/{id}}: the product, which instance served it, and whether the cache or the database
 *       answered;</li>
 *   <li>{@code PUT /products/{id}?name=...&priceCents=...}: changes the product through the
 *       {@code @InvalidateCache} method and answers with the product read back;</li>
 *   <li>{@code GET /stats}: this instance's cache counters and invalidator status.</li>
 * </ul>
 * Every answer is JSON. Handlers run on the server's executor and share nothing but the thread-safe repository.
 */
final class CatalogHttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogHttpApi.class);
    private static final String PRODUCTS = "/products/";
    private static final int MAX_NAME_LENGTH = 200;

    private final ProductRepository repository;
    private final CacheSetup cache;
    private final String instanceName;

    CatalogHttpApi(ProductRepository repository, CacheSetup cache, String instanceName) {
        this.repository = repository;
        this.cache = cache;
        this.instanceName = instanceName;
    }

    /** Adds the endpoints to {@code server}. */
    void register(HttpServer server) {
        server.createContext(PRODUCTS, exchange -> handle(exchange, this::products));
        server.createContext("/stats", exchange -> handle(exchange, this::stats));
        server.createContext("/", exchange -> handle(exchange, e -> error(404,
                "no such endpoint; try GET /products/{id}, PUT /products/{id}?name=... or GET /stats")));
    }

    private Response products(HttpExchange exchange) {
        String idText = exchange.getRequestURI().getPath().substring(PRODUCTS.length());
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            return error(400, "not a product id: \"" + idText + "\"");
        }
        return switch (exchange.getRequestMethod()) {
            case "GET" -> get(id);
            case "PUT" -> put(id, query(exchange.getRequestURI().getRawQuery()));
            default -> error(405, "use GET or PUT on /products/{id}");
        };
    }

    private Response get(long id) {
        ProductRepository.Lookup lookup = repository.lookup(id);
        if (lookup.product().isEmpty()) {
            return error(404, "no product " + id);
        }
        return new Response(200, productJson(lookup));
    }

    private Response put(long id, Map<String, String> query) {
        String name = query.get("name");
        String priceText = query.get("priceCents");
        if (name == null && priceText == null) {
            return error(400, "give name=..., priceCents=..., or both");
        }
        if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
            return error(400, "name must be 1 to " + MAX_NAME_LENGTH + " characters and not blank");
        }
        Long priceCents = null;
        if (priceText != null) {
            try {
                priceCents = Long.parseLong(priceText);
            } catch (NumberFormatException e) {
                priceCents = -1L;
            }
            if (priceCents < 0) {
                return error(400, "priceCents must be a whole number of cents, 0 or more, got \"" + priceText + "\"");
            }
        }
        if (!repository.updateProduct(id, name, priceCents)) {
            return error(404, "no product " + id);
        }
        LOG.info("[{}] updated product {} (name={}, priceCents={})", instanceName, id, name, priceCents);
        return new Response(200, productJson(repository.lookup(id)));
    }

    private Response stats(HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            return error(405, "use GET on /stats");
        }
        CachingStatistics.Counters total = CachingServices.statistics().total();
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("hits", total.hits());
        counters.put("misses", total.misses());
        counters.put("loads", total.loads());
        counters.put("invalidations", total.invalidations());
        counters.put("staleWriteBacksPrevented", total.staleWriteBacksPrevented());
        counters.put("hitRatio", Math.round(total.hitRatio() * 1000) / 1000.0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", instanceName);
        body.put("backend", cache.description());
        body.put("cache", counters);
        body.put("invalidator", cache.invalidatorStatus().map(CatalogHttpApi::statusJson).orElse(null));
        cache.redisLevelStatus().ifPresent(l2 -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("health", l2.health().name());
            json.put("l2Hits", l2.hits());
            json.put("l2Misses", l2.misses());
            json.put("l2Writes", l2.writes());
            json.put("l2WritesRefused", l2.writesRefused());
            json.put("peerLoadsUsed", l2.peerLoadsUsed());
            body.put("redisLevel", json);
        });
        return new Response(200, body);
    }

    private static Map<String, Object> statusJson(InvalidatorStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("instanceId", status.instanceId());
        json.put("state", status.state().name());
        json.put("connected", status.connected());
        json.put("bypassingCache", status.bypassingCache());
        json.put("messagesSent", status.messagesSent());
        json.put("operationsSent", status.operationsSent());
        json.put("messagesReceived", status.messagesReceived());
        json.put("operationsApplied", status.operationsApplied());
        json.put("gapsDetected", status.gapsDetected());
        json.put("messagesLost", status.messagesLost());
        json.put("malformedMessages", status.malformedMessages());
        json.put("subscriptions", status.subscriptions());
        json.put("publishFailures", status.publishFailures());
        json.put("pendingOperations", status.pendingOperations());
        return json;
    }

    private Map<String, Object> productJson(ProductRepository.Lookup lookup) {
        Product product = lookup.product().orElseThrow();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", product.id());
        json.put("name", product.name());
        json.put("priceCents", product.priceCents());
        json.put("changeSeq", product.changeSeq());
        json.put("instance", instanceName);
        json.put("source", lookup.fromDatabase() ? "database" : "cache");
        json.put("micros", Math.round(lookup.nanos() / 100.0) / 10.0);
        return json;
    }

    private Response error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("instance", instanceName);
        return new Response(status, body);
    }

    private void handle(HttpExchange exchange, Endpoint endpoint) throws IOException {
        Response response;
        try {
            response = endpoint.answer(exchange);
        } catch (RuntimeException e) {
            LOG.error("[{}] {} {} failed", instanceName, exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = error(500, e.toString());
        }
        byte[] body = (Json.write(response.body()) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The query parameters, decoded; a repeated parameter keeps its last value. */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            parameters.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    @FunctionalInterface
    private interface Endpoint {
        Response answer(HttpExchange exchange);
    }

    private record Response(int status, Map<String, Object> body) {
    }
}
