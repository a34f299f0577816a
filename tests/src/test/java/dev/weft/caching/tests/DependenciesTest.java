package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.PropagationSuspension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN invariant 6: dependencies, explicit and propagated from nested cached calls. */
class DependenciesTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Catalog {
        final Map<Integer, String> products = new ConcurrentHashMap<>(Map.of(7, "tea", 8, "coffee", 9, "cocoa"));
        final Map<String, AtomicInteger> bodies = new ConcurrentHashMap<>();

        private void ran(String method) {
            bodies.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        int runs(String method) {
            AtomicInteger n = bodies.get(method);
            return n == null ? 0 : n.get();
        }

        @Cached(dependsOn = "product:{id}")
        String product(int id) {
            ran("product");
            return products.get(id);
        }

        @Cached
        String shelf(int shelf) {
            ran("shelf");
            return product(7) + "," + product(8);
        }

        @Cached
        String page() {
            ran("page");
            return "[" + shelf(1) + "]";
        }

        @Cached
        String tagged(String name) {
            ran("tagged");
            CachingContext.current().addDependency("tag:" + name, "tag:all");
            return name.toUpperCase(java.util.Locale.ROOT);
        }

        @Cached
        String audited() {
            ran("audited");
            try (PropagationSuspension s = CachingServices.suspendDependencyPropagation()) {
                product(9);
                CachingContext.current().addDependency("ignored");
            }
            return "audited";
        }

        @InvalidateCache(value = {}, dependencies = "product:{id}")
        void rename(int id, String name) {
            products.put(id, name);
        }
    }

    private final Catalog catalog = new Catalog();

    @Test
    void invalidatingATemplateDependencyRemovesOnlyTheItemsCarryingIt() {
        catalog.product(7);
        catalog.product(8);
        CachingServices.invalidateDependency("product:7");
        catalog.product(7);
        catalog.product(8);
        assertThat(catalog.runs("product")).isEqualTo(3);
    }

    @Test
    void dependenciesAddedInTheBodyAreCarried() {
        catalog.tagged("x");
        catalog.tagged("y");
        CachingServices.invalidateDependency("tag:x");
        catalog.tagged("x");
        catalog.tagged("y");
        assertThat(catalog.runs("tagged")).isEqualTo(3);
        CachingServices.invalidateDependency("tag:all");
        catalog.tagged("x");
        catalog.tagged("y");
        assertThat(catalog.runs("tagged")).isEqualTo(5);
    }

    @Test
    void nestedCallsPassTheirDependenciesUpTwoLevels() {
        assertThat(catalog.page()).isEqualTo("[tea,coffee]");
        catalog.products.put(7, "green tea");
        CachingServices.invalidateDependency("product:7");
        assertThat(catalog.page()).isEqualTo("[green tea,coffee]");
        assertThat(catalog.runs("page")).isEqualTo(2);
        assertThat(catalog.runs("shelf")).isEqualTo(2);
        assertThat(catalog.runs("product")).as("product(8) was not invalidated").isEqualTo(3);
    }

    @Test
    void nestedCallsPassTheirOwnKeyUpSoInvalidatingTheInnerCallRemovesTheOuter() {
        catalog.page();
        CachingServices.invalidate(() -> catalog.product(8));
        catalog.page();
        assertThat(catalog.runs("page")).isEqualTo(2);
        assertThat(catalog.runs("shelf")).isEqualTo(2);
    }

    @Test
    void anInnerCallThatWasAHitPassesItsDependenciesUpToo() {
        catalog.product(7);
        catalog.product(8);
        catalog.shelf(1);
        assertThat(catalog.runs("product")).as("both inner calls were hits").isEqualTo(2);
        CachingServices.invalidateDependency("product:8");
        catalog.shelf(1);
        assertThat(catalog.runs("shelf")).isEqualTo(2);
    }

    @Test
    void invalidateCacheCanNameDependencies() {
        assertThat(catalog.page()).isEqualTo("[tea,coffee]");
        catalog.rename(8, "espresso");
        assertThat(catalog.product(8)).isEqualTo("espresso");
        assertThat(catalog.page()).isEqualTo("[tea,espresso]");
    }

    @Test
    void suspendedPropagationKeepsInnerDependenciesOutOfTheEnclosingItem() {
        catalog.audited();
        CachingServices.invalidateDependency("product:9");
        CachingServices.invalidateDependency("ignored");
        catalog.audited();
        assertThat(catalog.runs("audited")).isEqualTo(1);
    }

    @Test
    void outsideACachedBodyTheContextIsInactiveAndIgnoresDependencies() {
        CachingContext c = CachingContext.current();
        assertThat(c.isActive()).isFalse();
        assertThat(c.key()).isNull();
        c.addDependency("nothing");
    }

    @Test
    void dependencyTemplatesFormatNonStringArgumentsAsKeys() {
        List<String> seen = new java.util.ArrayList<>();
        catalog.product(7);
        CachingServices.invalidateDependency("product:7");
        seen.add(catalog.product(7));
        assertThat(seen).containsExactly("tea");
        assertThat(catalog.runs("product")).isEqualTo(2);
    }
}
