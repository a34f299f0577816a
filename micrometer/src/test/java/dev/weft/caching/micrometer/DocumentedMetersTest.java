package dev.weft.caching.micrometer;

import dev.weft.caching.Cached;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.memory.MemoryCachingBackend;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters docs/spring-boot.md lists under "Metrics" are exactly those {@link WeftMetrics} registers for a cached
 * method, the memory backend and an invalidator. (The page once left out three of them.)
 */
class DocumentedMetersTest {

    /**
     * A row of the meter table: the meter's name, first, without code marks (the starter's DocumentedPropertiesTest
     * reads every row that starts with a {@code `weft.`} code span as a property).
     */
    private static final Pattern METER = Pattern.compile("^\\| ((?:cache|weft)\\.[a-z.]+) \\|", Pattern.MULTILINE);

    static class Catalog {
        @Cached
        String product(long id) {
            return "p" + id;
        }
    }

    /** A transport that connects at once and goes nowhere: enough for the invalidator's meters to exist. */
    static final class NowhereTransport implements InvalidationTransport {
        @Override
        public void start(Listener listener) {
            listener.onSubscribed();
        }

        @Override
        public CompletionStage<Void> publish(byte[] message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public int maxMessageBytes() {
            return 65_536;
        }

        @Override
        public String description() {
            return "nowhere";
        }

        @Override
        public Map<String, String> details() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theSpringBootPageListsEveryMeterWeftMetricsRegisters() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MemoryCachingBackend local = MemoryCachingBackend.builder().recordStatistics(true).build();
        try (CacheInvalidator invalidator = CacheInvalidator.create(local, new NowhereTransport(),
                InvalidatorOptions.customTransportBuilder().build());
             WeftMetrics metrics = WeftMetrics.create().backend(local).invalidator(invalidator)) {
            metrics.bindTo(registry);
            new Catalog().product(1);

            Set<String> registered = new TreeSet<>();
            for (Meter m : registry.getMeters()) {
                registered.add(m.getId().getName());
            }
            assertThat(documentedMeters()).isEqualTo(registered);
        }
    }

    private static Set<String> documentedMeters() throws IOException {
        String page = Files.readString(Path.of(System.getProperty("weft.repository.root", ".."))
                .resolve("docs/spring-boot.md"));
        int start = page.indexOf("\n## Metrics");
        int end = page.indexOf("\n## ", start + 1);
        assertThat(start).as("a Metrics section in docs/spring-boot.md").isPositive();
        Matcher m = METER.matcher(page.substring(start, end < 0 ? page.length() : end));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
