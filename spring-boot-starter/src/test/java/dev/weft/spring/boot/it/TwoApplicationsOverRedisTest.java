package dev.weft.spring.boot.it;

import dev.weft.spring.boot.it.catalog.CatalogApplication;
import dev.weft.spring.boot.it.catalog.ProductService;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Spring Boot applications, each in its own JVM (CachingServices is global to a JVM), configured only by the
 * starter's properties and kept in sync over a real redis-server; they share a "database" directory.
 */
class TwoApplicationsOverRedisTest {

    static final Duration START = Duration.ofSeconds(60);
    static final String CACHE = ProductService.class.getName() + ".getProduct";

    @TempDir
    static Path database;
    static RedisServerProcess redis;
    static final List<JvmProcess> apps = new ArrayList<>();
    static HttpProbe app1;
    static HttpProbe app2;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app1 = new HttpProbe(startApp("app-1"));
        app2 = new HttpProbe(startApp("app-2"));
    }

    private static int startApp(String name) {
        JvmProcess app = JvmLauncher.forMainClass(CatalogApplication.class)
                .name(name)
                .args("--server.port=0", "--server.address=127.0.0.1", "--catalog.dir=" + database,
                        "--weft.invalidator.type=redis", "--weft.redis.uri=" + redis.uri(),
                        "--weft.redis.channel=catalog:weft", "--weft.redis.instance-id-prefix=" + name,
                        "--weft.profiles.products.absolute-expiration=10m",
                        "--management.endpoints.web.exposure.include=health,metrics,weft",
                        "--management.endpoint.health.show-details=always")
                .jvmArgs("-Xmx256m", "-XX:TieredStopAtLevel=1")
                .start();
        apps.add(app);
        app.awaitReady(START);
        return Integer.parseInt(app.request("PORT", Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        apps.forEach(JvmProcess::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anUpdateInOneApplicationIsVisibleInTheOtherWithinOneSecond() {
        assertThat(app1.get("/products/42")).isEqualTo("Product 42");
        assertThat(app2.get("/products/42")).isEqualTo("Product 42");
        long reads = Long.parseLong(app2.get("/store/reads"));
        assertThat(app2.get("/products/42")).as("a hit").isEqualTo("Product 42");
        assertThat(Long.parseLong(app2.get("/store/reads"))).isEqualTo(reads);

        app1.put("/products/42?name=Blue%20Mug");

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> app2.get("/products/42").equals("Blue Mug"));
    }

    @Test
    void cacheGetsShowsHitsAndMissesTaggedWithTheMethodAndProfile() {
        app1.get("/products/7");
        app1.get("/products/7");
        Json hits = app1.json("/actuator/metrics/cache.gets?tag=result:hit&tag=cache:" + CACHE);
        Json misses = app1.json("/actuator/metrics/cache.gets?tag=result:miss&tag=cache:" + CACHE);
        assertThat(count(hits)).isGreaterThanOrEqualTo(1);
        assertThat(count(misses)).isGreaterThanOrEqualTo(1);
        assertThat(tagValues(app1.json("/actuator/metrics/cache.gets"), "profile")).contains("products");
        assertThat(tagValues(app1.json("/actuator/metrics/cache.gets"), "result")).contains("hit", "miss");

        Json methods = app1.json("/actuator/weft").path("methods");
        String method = methods.propertyNames().stream().filter(m -> m.contains("getProduct")).findFirst()
                .orElseThrow(() -> new AssertionError("getProduct not listed in " + methods));
        assertThat(methods.path(method).path("profile").asString()).isEqualTo("products");
        assertThat(methods.path(method).path("statistics").path("hits").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void killingRedisTurnsHealthDownAndRestartingItBringsItBackUp() {
        assertThat(status(app1)).isEqualTo("UP");
        assertThat(app1.json("/actuator/health").path("components").path("weft").path("details")
                .path("channel").asString()).isEqualTo("catalog:weft");

        redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(app1).equals("DOWN") && status(app2).equals("DOWN"));
        assertThat(app2.json("/actuator/health").path("components").path("weft").path("details").path("reason")
                .asString()).contains("lost the subscription");

        redis.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(app1).equals("UP") && status(app2).equals("UP"));
    }

    private static String status(HttpProbe app) {
        return app.json("/actuator/health").path("status").asString();
    }

    private static double count(Json metric) {
        for (Json m : metric.path("measurements")) {
            if (m.path("statistic").asString().equals("COUNT")) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no COUNT in " + metric);
    }

    private static List<String> tagValues(Json metric, String tag) {
        List<String> values = new ArrayList<>();
        for (Json t : metric.path("availableTags")) {
            if (t.path("tag").asString().equals(tag)) {
                t.path("values").forEach(v -> values.add(v.asString()));
            }
        }
        return values;
    }
}
