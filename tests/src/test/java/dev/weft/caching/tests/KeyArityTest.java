package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys of every arity the advice binds directly (0 to 4 arguments) and of the generic one (5 and more): equal
 * arguments hit, a different argument in any position misses, two methods with the same arguments never share an
 * entry, and an invalidation given as text finds the entry. Also {@code @InvalidateCache} matching parameters of
 * every primitive type to the cached method's.
 */
class KeyArityTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Prices {
        final AtomicInteger bodies = new AtomicInteger();
        /** The canonical key of the last call that ran each body, read from inside it. */
        final Map<String, String> keys = new ConcurrentHashMap<>();

        @Cached
        String none() {
            bodies.incrementAndGet();
            keys.put("none", CachingContext.current().key());
            return "none";
        }

        @Cached
        String other() {
            bodies.incrementAndGet();
            return "other";
        }

        @Cached
        String two(String a, int b) {
            bodies.incrementAndGet();
            return a + b;
        }

        @Cached
        String twoElsewhere(String a, int b) {
            bodies.incrementAndGet();
            return "elsewhere " + a + b;
        }

        @Cached
        String three(String a, int b, long c) {
            bodies.incrementAndGet();
            keys.put("three", CachingContext.current().key());
            return a + b + c;
        }

        @Cached
        String four(String a, int b, long c, String d) {
            bodies.incrementAndGet();
            return a + b + c + d;
        }

        @Cached
        String six(String a, int b, long c, String d, char e, boolean f) {
            bodies.incrementAndGet();
            keys.put("six", CachingContext.current().key());
            return a + b + c + d + e + f;
        }

        @Cached
        String primitives(byte b, short s, char c, float f, double d, boolean z) {
            bodies.incrementAndGet();
            return "" + b + s + c + f + d + z;
        }

        @InvalidateCache("primitives")
        void reprice(byte b, short s, char c, float f, double d, boolean z) {
        }
    }

    private final Prices prices = new Prices();

    /** Calls {@code call} and returns whether the body ran. */
    private boolean ran(Runnable call) {
        int before = prices.bodies.get();
        call.run();
        return prices.bodies.get() != before;
    }

    @Test
    void methodsWithoutArgumentsHaveOneEntryEach() {
        assertThat(ran(prices::none)).isTrue();
        assertThat(ran(prices::none)).isFalse();
        assertThat(ran(prices::other)).as("another method, another entry").isTrue();
        assertThat(prices.other()).isEqualTo("other");
    }

    @Test
    void twoArguments() {
        assertThat(ran(() -> prices.two("a", 1))).isTrue();
        assertThat(ran(() -> prices.two("a", 1))).isFalse();
        assertThat(ran(() -> prices.two("b", 1))).isTrue();
        assertThat(ran(() -> prices.two("a", 2))).isTrue();
        assertThat(ran(() -> prices.twoElsewhere("a", 1))).as("same arguments, another method").isTrue();
        assertThat(prices.twoElsewhere("a", 1)).isEqualTo("elsewhere a1");
    }

    @Test
    void threeArguments() {
        assertThat(ran(() -> prices.three("a", 1, 2L))).isTrue();
        assertThat(ran(() -> prices.three("a", 1, 2L))).isFalse();
        assertThat(ran(() -> prices.three("b", 1, 2L))).isTrue();
        assertThat(ran(() -> prices.three("a", 9, 2L))).isTrue();
        assertThat(ran(() -> prices.three("a", 1, 9L))).isTrue();
        assertThat(ran(() -> prices.three("a", 9, 2L))).isFalse();
    }

    @Test
    void fourArguments() {
        assertThat(ran(() -> prices.four("a", 1, 2L, "d"))).isTrue();
        assertThat(ran(() -> prices.four("a", 1, 2L, "d"))).isFalse();
        assertThat(ran(() -> prices.four("a", 1, 2L, "e"))).isTrue();
        assertThat(ran(() -> prices.four("a", 1, 3L, "d"))).isTrue();
    }

    @Test
    void sixArgumentsTakeTheGenericAdvice() {
        assertThat(ran(() -> prices.six("a", 1, 2L, "d", 'e', true))).isTrue();
        assertThat(ran(() -> prices.six("a", 1, 2L, "d", 'e', true))).isFalse();
        assertThat(ran(() -> prices.six("a", 1, 2L, "d", 'e', false))).isTrue();
        assertThat(ran(() -> prices.six("z", 1, 2L, "d", 'e', true))).isTrue();
        assertThat(ran(() -> prices.six("a", 1, 2L, "d", 'f', true))).isTrue();
    }

    @Test
    void anInvalidationAsTextFindsTheEntryOfEveryArity() {
        prices.none();
        prices.three("a", 1, 2L);
        prices.six("a", 1, 2L, "d", 'e', true);
        for (String method : new String[] {"none", "three", "six"}) {
            CachingServices.getDefaultBackend().invalidate(prices.keys.get(method));
        }
        assertThat(ran(prices::none)).isTrue();
        assertThat(ran(() -> prices.three("a", 1, 2L))).isTrue();
        assertThat(ran(() -> prices.six("a", 1, 2L, "d", 'e', true))).isTrue();
    }

    @Test
    void invalidateCacheMatchesParametersOfEveryPrimitiveType() {
        assertThat(ran(() -> prices.primitives((byte) 1, (short) 2, 'c', 1.5f, 2.5d, true))).isTrue();
        assertThat(ran(() -> prices.primitives((byte) 1, (short) 2, 'c', 1.5f, 2.5d, true))).isFalse();
        prices.reprice((byte) 1, (short) 2, 'c', 1.5f, 2.5d, true);
        assertThat(ran(() -> prices.primitives((byte) 1, (short) 2, 'c', 1.5f, 2.5d, true))).isTrue();
    }
}
