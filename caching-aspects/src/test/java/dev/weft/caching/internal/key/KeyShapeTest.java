package dev.weft.caching.internal.key;

import dev.weft.caching.CacheKey;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.ItemKey;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A method's keys, made directly from a fresh {@link KeyShape} (the woven specification tests build each method's
 * shape once per JVM): which calls share a key, the canonical text, the digest past the maximum key length, and reading
 * a key back from the text another instance sends, which must give the very key a local call makes.
 */
class KeyShapeTest {

    private static final AtomicInteger CLASSES = new AtomicInteger();

    enum Color { RED, GREEN, TURQUOISE }

    /** Constant names shorter than the type's: the longest text is the tag plus the longest name. */
    enum Direction { N, S }

    /** An application type whose key text is its own: never kept as a component. */
    enum Tier implements CacheKey {
        GOLD;

        @Override
        public String toCacheKey() {
            return "tier-gold";
        }
    }

    /** A final type with no key form: refused when the method is set up. */
    static final class Opaque {
    }

    /** A type with no key form whose subclasses may have one: refused only when a call passes one. */
    static class Open {
    }

    record Tenant(String id) implements CacheKey {
        @Override
        public String toCacheKey() {
            return id;
        }
    }

    private final KeyFormatting formatting = new KeyFormatting();
    private int max = 1024;

    /** A shape whose every parameter is a key parameter; short class names, unique per shape. */
    private KeyShape shape(Class<?>... types) {
        return shape(IntStream.range(0, types.length).toArray(), types);
    }

    private KeyShape shape(int[] keyParams, Class<?>... types) {
        String cls = "t.S" + CLASSES.incrementAndGet();
        String[] names = IntStream.range(0, types.length).mapToObj(i -> "p" + i).toArray(String[]::new);
        KeyShape shape = new KeyShape(cls, "m", cls + ".m(...)", types, names, keyParams, formatting, () -> max);
        shape.publish();
        return shape;
    }

    /** The key of a call, through the per-arity method the woven advice calls. */
    private static ItemKey key(KeyShape shape, Object target, Object... args) {
        switch (args.length) {
            case 0: return shape.key(target);
            case 1: return shape.key(target, args[0]);
            case 2: return shape.key(target, args[0], args[1]);
            case 3: return shape.key(target, args[0], args[1], args[2]);
            case 4: return shape.key(target, args[0], args[1], args[2], args[3]);
            default: return shape.keyOf(target, args);
        }
    }

    /** What another instance's text turns into here: the same key, whichever kind it is. */
    private static void assertReadsBack(ItemKey key) {
        ItemKey read = ItemKey.of(key.canonical());
        assertThat(read).isEqualTo(key);
        assertThat(read.getClass()).isEqualTo(key.getClass());
        assertThat(read.hashCode()).isEqualTo(key.hashCode());
    }

    @Test
    void scalarAndEnumArgumentsAreKeptAsComponentsAndReadBackFromText() {
        KeyShape one = shape(int.class);
        KeyShape two = shape(long.class, String.class);
        KeyShape three = shape(Color.class, boolean.class, char.class);
        KeyShape four = shape(Integer.class, double.class, BigDecimal.class, UUID.class);
        KeyShape five = shape(short.class, byte.class, float.class, ZonedDateTime.class, Color.class);
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        ZonedDateTime t = ZonedDateTime.of(2024, 3, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris"));

        List<ItemKey> keys = List.of(key(one, null, 42), key(two, null, 7L, "a\"b"),
                key(three, null, Color.TURQUOISE, false, 'x'),
                key(four, null, null, 1.5, new BigDecimal("10.50"), id),
                key(five, null, (short) 3, (byte) 4, 2.5f, t, Color.RED));
        assertThat(keys).extracting(ItemKey::canonical).containsExactly(
                one.prefix() + "(42)",
                two.prefix() + "(7L,\"a\\\"b\")",
                three.prefix() + "(Color.TURQUOISE,false,'x')",
                four.prefix() + "(null,1.5D,BigDecimal(10.50)," + id + ")",
                five.prefix() + "(3S,4B,2.5F,2024-03-01T12:00+01:00[Europe/Paris],Color.RED)");
        List<KeyShape> shapes = List.of(one, two, three, four, five);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(keys.get(i)).isInstanceOf(MethodKey.class);
            assertThat(((MethodKey) keys.get(i)).shape()).isSameAs(shapes.get(i));
            assertReadsBack(keys.get(i));
        }
        assertThat(one.isStructural()).isTrue();
        assertThat(one.key(null, 42)).isEqualTo(one.keyOf(null, new Object[] {42}));
    }

    @Test
    void aMethodWithoutParametersHasOneKey() {
        KeyShape none = shape();
        assertThat(none.key(null)).isSameAs(none.key(new Object())).isInstanceOf(MethodKey.class);
        assertThat(none.key(null).canonical()).isEqualTo(none.prefix() + "()");
        assertReadsBack(none.key(null));
    }

    @Test
    void aTargetThatIsACacheKeyPutsItsInstanceKeyInTheText() {
        Tenant acme = new Tenant("acme");
        KeyShape none = shape();
        KeyShape one = shape(int.class);
        KeyShape two = shape(int.class, String.class);
        KeyShape three = shape(int.class, int.class, int.class);
        KeyShape texts = shape(List.class, List.class);
        assertThat(List.of(key(none, acme), key(one, acme, 1), key(two, acme, 1, "x"), key(three, acme, 1, 2, 3),
                key(texts, acme, List.of(), List.of(1)))).allSatisfy(k -> {
                    assertThat(k).isInstanceOf(TextKey.class);
                    assertThat(k.canonical()).matches("t\\.S\\d+\\[acme]\\.m\\(.*\\)");
                    assertReadsBack(k);
                });
        assertThat(key(three, acme, 1, 2, 3).canonical()).endsWith("[acme].m(1,2,3)");
        assertThat(key(texts, acme, List.of(), List.of(1)).canonical()).endsWith("[acme].m([],[1])");
        assertThat(key(one, new Tenant("other"), 1)).isNotEqualTo(key(one, acme, 1));
        assertThat(key(one, new Object(), 1)).as("a target that is no CacheKey does not take part")
                .isEqualTo(key(one, null, 1));
        assertThatThrownBy(() -> one.key(new Tenant(null), 1)).isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("toCacheKey() returned null");
    }

    @Test
    void anExcludedParameterDoesNotTakePartInTheKey() {
        KeyShape one = shape(new int[0], String.class);
        KeyShape two = shape(new int[] {0}, int.class, String.class);
        KeyShape three = shape(new int[] {0, 2}, int.class, String.class, int.class);
        KeyShape four = shape(new int[] {1, 2, 3}, String.class, int.class, int.class, int.class);
        assertThat(key(one, null, "a")).isEqualTo(key(one, null, "b"));
        assertThat(key(one, null, "a").canonical()).isEqualTo(one.prefix() + "()");
        assertThat(key(two, null, 1, "a")).isEqualTo(key(two, null, 1, "b")).isNotEqualTo(key(two, null, 2, "a"));
        assertThat(key(two, null, 1, "a").canonical()).isEqualTo(two.prefix() + "(1)");
        assertThat(key(three, null, 1, "a", 3)).isEqualTo(key(three, null, 1, "b", 3));
        assertThat(key(three, null, 1, "a", 3).canonical()).isEqualTo(three.prefix() + "(1,3)");
        assertThat(key(four, null, "a", 1, 2, 3)).isEqualTo(key(four, null, "b", 1, 2, 3));
        for (ItemKey k : List.of(key(one, null, "a"), key(two, null, 1, "a"), key(three, null, 1, "a", 3),
                key(four, null, "a", 1, 2, 3))) {
            assertReadsBack(k);
        }
        assertThat(three.keyParameters()).containsExactly(0, 2);
        assertThat(three.keyParameterNames()).containsExactly("p0", "p2");
    }

    /**
     * Sweeps the maximum key length across each call's text length: the key is kept as it is exactly while its text
     * fits, a digest of it past that, and the text reads back as the same key either way.
     */
    @Test
    void aKeyIsItsTextWhileItFitsTheMaximumLengthAndADigestPastIt() {
        List<Object[]> calls = new ArrayList<>();
        List<KeyShape> shapes = new ArrayList<>();
        KeyShape strings = shape(String.class, String.class);
        KeyShape mixed = shape(String.class, int.class, Color.class);
        KeyShape numbers = shape(int.class, long.class, Color.class);
        KeyShape unbounded = shape(BigDecimal.class, String.class, Integer.class, Color.class);
        KeyShape texts = shape(List.class);
        KeyShape direction = shape(Direction.class);
        shapes.add(direction); calls.add(new Object[] {Direction.S});
        shapes.add(strings); calls.add(new Object[] {null, "a"});
        shapes.add(strings); calls.add(new Object[] {"a\"\\b", null});
        shapes.add(strings); calls.add(new Object[] {"x".repeat(40), "y"});
        shapes.add(mixed); calls.add(new Object[] {"abc", 123456, Color.TURQUOISE});
        shapes.add(mixed); calls.add(new Object[] {null, 1, null});
        shapes.add(numbers); calls.add(new Object[] {1, 2L, Color.RED});
        shapes.add(numbers); calls.add(new Object[] {-2_000_000_000, Long.MIN_VALUE, Color.TURQUOISE});
        shapes.add(unbounded); calls.add(new Object[] {new BigDecimal("1e-40"), "", 5, Color.GREEN});
        shapes.add(unbounded); calls.add(new Object[] {new BigDecimal("123456789.123456789"), null, null, null});
        shapes.add(texts); calls.add(new Object[] {List.of(1, 2, 3)});
        for (int c = 0; c < calls.size(); c++) {
            KeyShape shape = shapes.get(c);
            Object[] args = calls.get(c);
            max = 1024;
            String text = key(shape, null, args).canonical();
            for (max = text.length() - 12; max <= text.length() + 12; max++) {
                ItemKey k = key(shape, null, args);
                if (text.length() <= max) {
                    assertThat(k.canonical()).as("max %d", max).isEqualTo(text);
                    assertThat(k).isInstanceOf(shape.isStructural() ? MethodKey.class : TextKey.class);
                } else {
                    assertThat(k.canonical()).as("max %d", max).startsWith(shape.prefix() + "(sha256:")
                            .hasSize(shape.prefix().length() + 52);
                    assertThat(k).isInstanceOf(TextKey.class);
                }
                assertThat(k).isEqualTo(shape.keyOf(null, args));
                assertReadsBack(k);
            }
        }
    }

    /**
     * Defect found by this test: a method without parameters kept its one structural key even when its text
     * ({@code <class>.<method>()}, 64 characters or more with a long package name) was past the maximum length, so the
     * digest text another instance sends for it read back as a different key and its invalidations were lost. Fails
     * without the length check in {@code KeyShape.key(Object)}.
     */
    @Test
    void aMethodWithoutParametersWhoseTextIsLongerThanTheMaximumHasADigestKey() {
        KeyShape none = shape();
        max = none.prefix().length() + 2;
        assertThat(none.key(null).canonical()).isEqualTo(none.prefix() + "()");
        assertReadsBack(none.key(null));
        max = none.prefix().length() + 1;
        assertThat(none.key(null).canonical()).startsWith(none.prefix() + "(sha256:");
        assertReadsBack(none.key(null));
    }

    /**
     * Defect found by this test: a zone or offset this JVM does not know (another instance may run a newer time-zone
     * database) made reading the key throw a {@code DateTimeException} out of the receive path instead of keeping the
     * text as a text key. Fails without {@code Scalar.readToken} catching {@code DateTimeException}.
     */
    @Test
    void textThatNoCallWritesIsKeptAsText() {
        KeyShape flag = shape(boolean.class);
        KeyShape letter = shape(char.class);
        KeyShape word = shape(String.class);
        KeyShape count = shape(long.class);
        KeyShape boxed = shape(Integer.class);
        KeyShape primitive = shape(int.class);
        KeyShape amounts = shape(BigDecimal.class, BigDecimal.class);
        KeyShape amountAndCount = shape(BigDecimal.class, int.class);
        KeyShape time = shape(ZonedDateTime.class);
        KeyShape id = shape(UUID.class);
        KeyShape color = shape(Color.class);
        KeyShape offset = shape(ZoneOffset.class);

        assertThat(ItemKey.of(flag.prefix() + "(true)")).isEqualTo(flag.key(null, true));
        assertThat(ItemKey.of(flag.prefix() + "(false)")).isEqualTo(flag.key(null, false));
        assertThat(ItemKey.of(letter.prefix() + "('\\'')")).isEqualTo(letter.key(null, '\''));
        assertThat(ItemKey.of(word.prefix() + "(\"a\\\\b\")")).isEqualTo(word.key(null, "a\\b"));
        assertThat(ItemKey.of(boxed.prefix() + "(null)")).isEqualTo(boxed.key(null, null));
        assertThat(ItemKey.of(amounts.prefix() + "(BigDecimal(1),BigDecimal(2.0))"))
                .isEqualTo(amounts.key(null, BigDecimal.ONE, new BigDecimal("2.0")));
        assertThat(primitive.read(primitive.prefix() + "(null)")).as("an int is never null").isNull();

        List<String> foreign = List.of(
                flag.prefix() + "(maybe)", flag.prefix() + "(truex)",
                letter.prefix() + "('ab')", letter.prefix() + "('a)", letter.prefix() + "('')", letter.prefix() + "(x)",
                word.prefix() + "(\"abc)", word.prefix() + "(abc)", word.prefix() + "(\"a\",\"b\")",
                count.prefix() + "(5)", count.prefix() + "(L)", count.prefix() + "(5xL)", count.prefix() + "()",
                primitive.prefix() + "(1,2)", primitive.prefix() + "(01)",
                amountAndCount.prefix() + "(BigDecimal(1)", amountAndCount.prefix() + "(BigDecimal(x),1)",
                amountAndCount.prefix() + "(BigDecimal(1,1)", amountAndCount.prefix() + "(BigInteger(1),1)",
                time.prefix() + "(2024-03-01T12:00+01:00)", time.prefix() + "(2024-03-01T12:00+01:00[Nowhere/X])",
                id.prefix() + "(not-a-uuid)", offset.prefix() + "(+99:00)",
                color.prefix() + "(Color.PURPLE)", color.prefix() + "(Tint.RED)", color.prefix() + "(Color.RED",
                color.prefix() + "[x](Color.RED)");
        for (String text : foreign) {
            ItemKey k = ItemKey.of(text);
            assertThat(k).as(text).isInstanceOf(TextKey.class);
            assertThat(k.canonical()).isEqualTo(text);
        }
        assertThatThrownBy(() -> ItemKey.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"\"");
        assertThatThrownBy(() -> ItemKey.of(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void keysAreEqualExactlyWhenTheirCallsAre() {
        KeyShape zero = shape();
        KeyShape one = shape(int.class);
        KeyShape two = shape(int.class, int.class);
        KeyShape three = shape(int.class, int.class, int.class);
        KeyShape five = shape(int.class, int.class, int.class, int.class, int.class);
        KeyShape twin = shape(int.class, int.class);
        List<Object[]> argsOf = List.of(new Object[0], new Object[] {1}, new Object[] {1, 2},
                new Object[] {1, 2, 3}, new Object[] {1, 2, 3, 4, 5});
        List<KeyShape> shapes = List.of(zero, one, two, three, five);
        for (int s = 0; s < shapes.size(); s++) {
            KeyShape shape = shapes.get(s);
            Object[] args = argsOf.get(s);
            ItemKey k = key(shape, null, args);
            ItemKey same = shape.keyOf(null, args.clone());
            assertThat(k.equals(k)).isTrue();
            assertThat(k.equals(same)).isTrue();
            assertThat(same.equals(k)).isTrue();
            assertThat(k.hashCode()).isEqualTo(same.hashCode());
            assertThat(k.equals(new TextKey(k.canonical()))).as("a text key of the same text").isFalse();
            assertThat(k.equals(null)).isFalse();
            if (shape != two) {
                assertThat(k.equals(key(two, null, 1, 2))).isFalse();
            }
            for (int i = 0; i < args.length; i++) {
                Object[] other = args.clone();
                other[i] = 9;
                assertThat(k.equals(shape.keyOf(null, other))).as("component %d differs", i).isFalse();
            }
            assertThat(((MethodKey) k).size()).isEqualTo(args.length);
        }
        assertThat(key(two, null, 1, 2)).isNotEqualTo(key(twin, null, 1, 2));
        KeyShape rebuilt = new KeyShape("t.Z", "m", "t.Z.m()", new Class<?>[0], new String[0], new int[0],
                formatting, () -> max);
        KeyShape again = new KeyShape("t.Z", "m", "t.Z.m()", new Class<?>[0], new String[0], new int[0],
                formatting, () -> max);
        assertThat(rebuilt.key(null).equals(again.key(null))).as("another shape of the same method").isFalse();
        assertThatThrownBy(() -> ((MethodKey) key(zero, null)).component(0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aParameterWhoseTypeCanNeverBeWrittenIsRefusedWhenTheMethodIsSetUp() {
        assertThatThrownBy(() -> shape(int.class, Opaque.class)).isInstanceOf(CachingConfigurationException.class)
                .hasMessageStartingWith("t.S").hasMessageContaining("parameter 'p1'")
                .hasMessageContaining(Opaque.class.getName());
        KeyShape arrays = shape(Opaque[][].class);
        assertThatThrownBy(() -> arrays.key(null, (Object) new Opaque[][] {{new Opaque()}}))
                .isInstanceOf(CachingConfigurationException.class).hasMessageContaining("parameter 'p0'");
        // a declared type whose subclasses may have a key form: only a call with an instance that has none fails
        KeyShape open = shape(Open.class, Runnable.class);
        assertThat(open.isStructural()).isFalse();
        Open described = new Open() {
            @Override
            public String toString() {
                return "described";
            }
        };
        Runnable task = new Runnable() {
            @Override
            public void run() {
            }

            @Override
            public String toString() {
                return "task";
            }
        };
        assertThat(open.key(null, described, task).canonical()).isEqualTo(open.prefix() + "(described,task)");
        assertThatThrownBy(() -> open.key(null, new Open(), task)).isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("parameter 'p0'").hasMessageContaining("CacheKey");
        assertThat(shape(int[].class, long[][].class).key(null, new int[] {1}, new long[][] {{2L}}).canonical())
                .endsWith(".m(int[]{1},long[][]{long[]{2L}})");
        assertThat(open.toString()).isEqualTo("KeyShape{" + open.methodDisplay() + "}");
        assertThat(open.methodDisplay()).matches("t\\.S\\d+\\.m\\(\\.\\.\\.\\)");
    }

    @Test
    void anEnumWithAnApplicationKeyFormIsWrittenByIt() {
        KeyShape tier = shape(Tier.class);
        assertThat(tier.isStructural()).isFalse();
        assertThat(tier.key(null, Tier.GOLD).canonical()).isEqualTo(tier.prefix() + "(tier-gold)");
        assertThat(shape(Color.class).isStructural()).isTrue();

        formatting.register(Color.class, (c, out) -> out.append("color-").append(c.ordinal()));
        KeyShape formatted = shape(Color.class);
        assertThat(formatted.isStructural()).isFalse();
        assertThat(formatted.key(null, Color.GREEN).canonical()).isEqualTo(formatted.prefix() + "(color-1)");
    }

    @Test
    void aKeyOfTheWrongNumberOfArgumentsIsRefused() {
        KeyShape two = shape(int.class, int.class);
        assertThatThrownBy(() -> two.keyOf(null, new Object[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes 2 arguments, got 1");
    }
}
