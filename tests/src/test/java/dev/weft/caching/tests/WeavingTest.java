package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Compile-time weaving advises the method's execution: every way of calling it is cached, unlike a proxy. */
class WeavingTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static final AtomicInteger STATIC_CALLS = new AtomicInteger();

    static class Catalog {
        final AtomicInteger calls = new AtomicInteger();

        @Cached
        public String product(int id) {
            calls.incrementAndGet();
            return "product " + id;
        }

        /** Calls its own cached method through {@code this}: a proxy-based cache would miss every time. */
        public String page(int id) {
            return this.product(id) + " / " + product(id);
        }

        @Cached
        private String secret(int id) {
            calls.incrementAndGet();
            return "secret " + id;
        }

        String readSecret(int id) {
            return secret(id);
        }

        @Cached
        static String code(String name) {
            STATIC_CALLS.incrementAndGet();
            return name.toUpperCase(java.util.Locale.ROOT);
        }

        @Cached
        String wide(int a, int b, int c, int d, int e, int f) {
            calls.incrementAndGet();
            return "" + (a + b + c + d + e + f);
        }
    }

    static class Outer {
        final AtomicInteger calls = new AtomicInteger();

        String run() {
            Runnable r = new Runnable() {
                @Override
                public void run() {
                    value(1);
                }
            };
            r.run();
            r.run();
            return value(1);
        }

        @Cached
        String value(int id) {
            calls.incrementAndGet();
            return "v" + id;
        }
    }

    private final Catalog catalog = new Catalog();

    @Test
    void selfInvocationIsCached() {
        catalog.page(1);
        catalog.page(1);
        assertThat(catalog.calls.get()).isEqualTo(1);
    }

    @Test
    void privateMethodsAreCached() {
        catalog.readSecret(2);
        catalog.readSecret(2);
        assertThat(catalog.calls.get()).isEqualTo(1);
    }

    @Test
    void staticMethodsAreCached() {
        int before = STATIC_CALLS.get();
        assertThat(Catalog.code("abc")).isEqualTo("ABC");
        assertThat(Catalog.code("abc")).isEqualTo("ABC");
        assertThat(STATIC_CALLS.get() - before).isEqualTo(1);
    }

    @Test
    void methodsWithManyParametersAreCached() {
        catalog.wide(1, 2, 3, 4, 5, 6);
        catalog.wide(1, 2, 3, 4, 5, 6);
        catalog.wide(1, 2, 3, 4, 5, 7);
        assertThat(catalog.calls.get()).isEqualTo(2);
    }

    @Test
    void callsFromInnerClassesAreCached() {
        Outer outer = new Outer();
        outer.run();
        assertThat(outer.calls.get()).isEqualTo(1);
    }
}
