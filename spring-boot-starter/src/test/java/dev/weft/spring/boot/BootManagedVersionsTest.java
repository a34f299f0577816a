package dev.weft.spring.boot;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter is tested on the versions a Spring Boot application gets from Boot's BOM. The root pom manages some of
 * the same libraries, and inherited management beats an imported BOM, so the module's pom sets them to Boot's; this
 * test fails when a Boot upgrade leaves them behind.
 */
class BootManagedVersionsTest {

    @Test
    void theLibrariesBothBomsManageAreOnBootsVersions() throws IOException {
        String bom = Files.readString(Path.of(System.getProperty("weft.spring-boot.bom")));
        assertOnBootsVersion(bom, io.lettuce.core.RedisClient.class, "lettuce-core", "lettuce.version");
        assertOnBootsVersion(bom, com.github.benmanes.caffeine.cache.Caffeine.class, "caffeine", "caffeine.version");
        assertOnBootsVersion(bom, io.micrometer.core.instrument.MeterRegistry.class, "micrometer-core",
                "micrometer.version");
        assertOnBootsVersion(bom, org.springframework.context.ApplicationContext.class, "spring-context",
                "spring-framework.version");
        assertOnBootsVersion(bom, org.slf4j.Logger.class, "slf4j-api", "slf4j.version");
        assertOnBootsVersion(bom, org.aspectj.lang.JoinPoint.class, "aspectjrt", "aspectj.version");
        assertOnBootsVersion(bom, io.netty.util.Version.class, "netty-common", "netty.version");
        assertOnBootsVersion(bom, Test.class, "junit-jupiter-api", "junit-jupiter.version");
    }

    /**
     * The Azure SDK's default HTTP client (azure-core-http-netty, for Entra tokens, administration and Resource
     * Manager calls) is built on Netty 4.1 and reactor-netty 1.2; under Boot's Netty 4.2 and reactor-netty 1.3 it
     * still makes a request. (The AMQP connection does not use Netty; the Service Bus tests cover it.)
     */
    @Test
    void theAzureSdksNettyHttpClientWorksOnBootsNetty() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = new NettyAsyncHttpClientBuilder().build();
            HttpResponse response = client.send(new HttpRequest(HttpMethod.GET,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/ping")).block(Duration.ofSeconds(10));
            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getBodyAsString().block(Duration.ofSeconds(10))).isEqualTo("pong");
        } finally {
            server.stop(0);
        }
    }

    private static void assertOnBootsVersion(String bom, Class<?> fromJar, String artifact, String bomProperty)
            throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(bomProperty) + ">([^<]+)</").matcher(bom);
        assertThat(m.find()).as(bomProperty + " in Boot's BOM").isTrue();
        assertThat(jarName(fromJar)).as(artifact + " on the test class path")
                .isEqualTo(artifact + "-" + m.group(1) + ".jar");
    }

    /** The file name of the jar a class was loaded from: Maven names it artifact-version.jar. */
    private static String jarName(Class<?> type) throws IOException {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName()
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
