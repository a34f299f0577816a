package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.ItemKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key identifies one method and one argument list, in every JVM and on every JDK: overloads never share keys,
 * arguments of different types never share entries, built-in forms cannot be overridden, and a key received as text
 * finds the entry a local call made.
 */
class KeyIdentityTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private static final String S = "dev.weft.caching.tests.KeyIdentityTest$Overloads";

    static class Overloads {
        final AtomicInteger intBodies = new AtomicInteger();
        final AtomicInteger longBodies = new AtomicInteger();

        @Cached
        String find(int id) {
            intBodies.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String find(long id) {
            longBodies.incrementAndGet();
            return CachingContext.current().key();
        }
    }

    static class Mixed {
        final AtomicInteger bodies = new AtomicInteger();

        @Cached
        String any(Object value) {
            bodies.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String text(String s) {
            return CachingContext.current().key();
        }

        @Cached
        String number(Integer i) {
            return CachingContext.current().key();
        }
    }

    static class Scalars {
        final AtomicInteger bodies = new AtomicInteger();

        @Cached
        String of(Object a, Object b) {
            bodies.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String typed(String s, long l, double d, char c, UUID u, Instant i, LocalDate day, BigDecimal money) {
            bodies.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String time(ZonedDateTime z, OffsetDateTime o, Year y, Duration d, Period p, LocalDateTime ldt) {
            bodies.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String more(Float f, Short s, Byte b, BigInteger big, LocalTime t, OffsetTime ot, YearMonth ym, MonthDay md,
                    ZoneOffset zo, KeysTest.Color color, Boolean flag) {
            bodies.incrementAndGet();
            return CachingContext.current().key();
        }
    }

    private final Overloads overloads = new Overloads();
    private final Mixed mixed = new Mixed();
    private final Scalars scalars = new Scalars();

    @AfterEach
    void forgetFormatters() {
        // formatters are process-wide: the ones registered here apply to application classes only anyway
    }

    /** Issue 19, case 2. Without the overload signature both methods wrote find(5): each store evicted the other. */
    @Test
    void overloadsNeverShareKeys() {
        assertThat(overloads.find(5)).isEqualTo(S + ".find<int>(5)");
        assertThat(overloads.find(5L)).isEqualTo(S + ".find<long>(5L)");
        for (int i = 0; i < 3; i++) {
            overloads.find(5);
            overloads.find(5L);
        }
        assertThat(overloads.intBodies.get()).as("calls that alternate hit").isEqualTo(1);
        assertThat(overloads.longBodies.get()).isEqualTo(1);
        CachingServices.invalidate(() -> overloads.find(5));
        overloads.find(5L);
        assertThat(overloads.longBodies.get()).as("invalidating find(int) leaves find(long)").isEqualTo(1);
        overloads.find(5);
        assertThat(overloads.intBodies.get()).isEqualTo(2);
    }

    /** Issue 19, case 3: arrays, lists and sets of the same elements rendered alike, [1,2], and shared one entry. */
    @Test
    void argumentsOfDifferentTypesNeverShareEntries() {
        List<Object> args = List.of(new int[] {1, 2}, new Integer[] {1, 2}, List.of(1, 2), Set.of(1, 2),
                List.of(1L, 2L), 5, 5L, (short) 5, (byte) 5, 5.0, 5.0f, "5", '5', BigDecimal.valueOf(5),
                BigInteger.valueOf(5), Year.of(5), KeysTest.Color.RED, "RED", java.util.Map.of(), Set.of(),
                java.util.Optional.empty(), Instant.EPOCH, Instant.EPOCH.atOffset(ZoneOffset.UTC),
                Instant.EPOCH.atZone(ZoneOffset.UTC), new java.util.Date(0));
        List<String> keys = new ArrayList<>();
        for (Object a : args) {
            keys.add(mixed.any(a));
        }
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(mixed.bodies.get()).isEqualTo(args.size());
        assertThat(keys).contains(Mixed.class.getName() + ".any(int[]{1,2})", Mixed.class.getName() + ".any([1,2])",
                Mixed.class.getName() + ".any({1,2})", Mixed.class.getName() + ".any([1L,2L])");
    }

    /**
     * Issue 19, case 3: a formatter for Number or CharSequence used to replace the built-in forms of Integer and String,
     * silently changing the keys other instances use. Built-in forms win; the formatter applies to application types.
     */
    @Test
    void formattersForJdkSupertypesCannotOverrideBuiltInForms() {
        CachingServices.registerKeyFormatter(Number.class, (n, out) -> out.append("NUMBER"));
        CachingServices.registerKeyFormatter(CharSequence.class, (c, out) -> out.append("CHARS"));
        assertThat(mixed.number(7)).isEqualTo(Mixed.class.getName() + ".number(7)");
        assertThat(mixed.text("x")).isEqualTo(Mixed.class.getName() + ".text(\"x\")");
        assertThat(mixed.any(7L)).isEqualTo(Mixed.class.getName() + ".any(7L)");
        assertThat(mixed.any(new StringBuilder("sb"))).as("a JDK type without a built-in form is formatted")
                .isEqualTo(Mixed.class.getName() + ".any(CHARS)");
    }

    /**
     * Issue 19, case 3: Double.toString changed in JDK 19, so JDK 17 and JDK 25 instances of one fleet wrote different
     * keys for the same double. These texts are those of the shortest decimal, on any JDK (JDK 17's Double.toString
     * gives 9.999999999999999E22 for the first).
     */
    @Test
    void doublesAndFloatsAreWrittenTheSameOnEveryJdk() {
        String m = Mixed.class.getName() + ".any(";
        assertThat(mixed.any(1.0E23)).isEqualTo(m + "1.0E23D)");
        assertThat(mixed.any(2.0E23)).isEqualTo(m + "2.0E23D)");
        assertThat(mixed.any(8.41E21)).isEqualTo(m + "8.41E21D)");
        assertThat(mixed.any(0.1)).isEqualTo(m + "0.1D)");
        assertThat(mixed.any(100.0)).isEqualTo(m + "100.0D)");
        assertThat(mixed.any(1.0E7)).isEqualTo(m + "1.0E7D)");
        assertThat(mixed.any(0.001)).isEqualTo(m + "0.001D)");
        assertThat(mixed.any(1.0E-5)).isEqualTo(m + "1.0E-5D)");
        assertThat(mixed.any(Double.MIN_VALUE)).isEqualTo(m + "4.9E-324D)");
        assertThat(mixed.any(-0.0)).isEqualTo(m + "-0.0D)");
        assertThat(mixed.any(1.1f)).isEqualTo(m + "1.1F)");
        assertThat(mixed.any(Float.MIN_VALUE)).isEqualTo(m + "1.4E-45F)");
    }

    /**
     * A key received as text (an invalidation from another instance, {@code ItemKey.of}) is read back into the very key
     * a local call makes, for every scalar type: equal, same hash, so it finds the entry without any index from text
     * to key. Random values of every type, checked both ways.
     */
    @Test
    void keysReadFromTheirTextEqualTheKeysOfLocalCalls() {
        SplittableRandom random = new SplittableRandom(19);
        ZoneId[] zones = {ZoneId.of("Europe/Paris"), ZoneOffset.UTC, ZoneOffset.ofHours(-3), ZoneId.of("UTC"),
                ZoneId.of("Asia/Kolkata")};
        for (int i = 0; i < 500; i++) {
            String s = randomString(random);
            long l = random.nextLong();
            double d = Double.longBitsToDouble(random.nextLong());
            char c = (char) random.nextInt(0x10000);
            UUID u = new UUID(random.nextLong(), random.nextLong());
            Instant instant = Instant.ofEpochSecond(random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L),
                    random.nextInt(1_000_000_000));
            LocalDate day = LocalDate.ofEpochDay(random.nextLong(-1_000_000, 1_000_000));
            BigDecimal money = BigDecimal.valueOf(random.nextLong(), random.nextInt(-20, 20));
            String text = scalars.typed(s, l, d, c, u, instant, day, money);
            assertRoundTrip(text);

            ZonedDateTime z = instant.atZone(zones[random.nextInt(zones.length)]);
            OffsetDateTime o = instant.atOffset(ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600)));
            assertRoundTrip(scalars.time(z, o, Year.of(random.nextInt(-999_999_999, 999_999_999)),
                    Duration.ofNanos(random.nextLong()), Period.of(random.nextInt(), random.nextInt(), random.nextInt()),
                    LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
            assertRoundTrip(scalars.more(Float.intBitsToFloat(random.nextInt()), (short) random.nextInt(),
                    (byte) random.nextInt(), new BigInteger(random.nextInt(1, 200), new java.util.Random(i)),
                    LocalTime.ofNanoOfDay(random.nextLong(86_400_000_000_000L)),
                    OffsetTime.of(LocalTime.ofSecondOfDay(random.nextInt(86_400)), ZoneOffset.ofHours(random.nextInt(-12, 13))),
                    YearMonth.of(random.nextInt(1, 9999), random.nextInt(1, 13)), MonthDay.of(1 + random.nextInt(12), 1),
                    ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600)),
                    random.nextBoolean() ? KeysTest.Color.GREEN : null, random.nextBoolean() ? null : Boolean.TRUE));
        }
        assertThat(scalars.bodies.get()).isEqualTo(1500);
    }

    /** After each call above stored its entry, the key read from the text must be the stored key. */
    private void assertRoundTrip(String text) {
        ItemKey read = ItemKey.of(text);
        assertThat(read.canonical()).isEqualTo(text);
        assertThat(cache.backend.get(read)).as("the entry of %s, found by the key read from its text", text)
                .isNotNull();
        assertThat(read.getClass().getSimpleName()).as(text).startsWith("Key");
    }

    private static String randomString(SplittableRandom random) {
        int n = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        String special = "\"\\,()[]{}'=<> ";
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(4);
            sb.append(kind == 0 ? special.charAt(random.nextInt(special.length()))
                    : kind == 1 ? (char) random.nextInt(0x20, 0x7f) : (char) random.nextInt(0xa0, 0x3000));
        }
        return sb.toString();
    }

    /** Two arguments whose text is equal are one key: the newest call's text is the only identity a key has. */
    @Test
    void anInvalidationByTextRemovesTheEntryOfACallOfAnyScalarMix() {
        String text = scalars.of("a,b", 3L);
        scalars.of("a,b", 3L);
        assertThat(scalars.bodies.get()).isEqualTo(1);
        CachingServices.getDefaultBackend().invalidate(text);
        scalars.of("a,b", 3L);
        assertThat(scalars.bodies.get()).isEqualTo(2);
    }
}
