package dev.weft.caching.tests;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.NotCacheKey;
import dev.weft.caching.backend.ItemKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DESIGN invariant 1: a key is a deterministic, unambiguous string built from the arguments. */
class KeysTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    enum Color { RED, GREEN }

    record Point(int x, int y) {
    }

    /** An argument type that formats itself. */
    static final class Sku implements CacheKey {
        final String code;

        Sku(String code) {
            this.code = code;
        }

        @Override
        public String toCacheKey() {
            return "sku:" + code;
        }
    }

    /** A type with no deterministic text: Object's toString shows an identity hash. */
    static final class Opaque {
    }

    /** A type the application does not own, formatted by a registered formatter. */
    static final class Money {
        final long cents;

        Money(long cents) {
            this.cents = cents;
        }
    }

    /** Each method returns the canonical key of its own call, read from inside the body. */
    static class Subject {
        final AtomicInteger calls = new AtomicInteger();

        @Cached
        String one(Object value) {
            calls.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String strings(String a) {
            return CachingContext.current().key();
        }

        @Cached
        String strings(String a, String b) {
            return CachingContext.current().key();
        }

        @Cached
        String primitives(int i, long l, double d, boolean b, char c) {
            return CachingContext.current().key();
        }

        @Cached
        String withExcluded(long id, @NotCacheKey StringBuilder log) {
            calls.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String opaque(Opaque o) {
            return CachingContext.current().key();
        }

        @Cached
        String none() {
            return CachingContext.current().key();
        }

        @Cached
        String calendar(Calendar when) {
            calls.incrementAndGet();
            return CachingContext.current().key();
        }

        @Cached
        String list(List<Integer> values) {
            calls.incrementAndGet();
            return CachingContext.current().key();
        }
    }

    /** Its instances are part of the key. */
    static class TenantRepository implements CacheKey {
        final String tenant;
        final AtomicInteger calls = new AtomicInteger();

        TenantRepository(String tenant) {
            this.tenant = tenant;
        }

        @Override
        public String toCacheKey() {
            return tenant;
        }

        @Cached
        String find(int id) {
            calls.incrementAndGet();
            return CachingContext.current().key();
        }
    }

    private final Subject subject = new Subject();
    private static final String S = "dev.weft.caching.tests.KeysTest$Subject";

    @Test
    void keyIsDeclaringClassBinaryNameMethodAndFormattedArguments() {
        assertThat(subject.primitives(42, -7L, 1.5, true, 'x'))
                .isEqualTo(S + ".primitives(42,-7L,1.5D,true,'x')");
        assertThat(subject.none()).isEqualTo(S + ".none()");
    }

    @Test
    void stringsAreQuotedSoThatCommasCannotMergeArguments() {
        String oneArgument = subject.strings("a,b");
        String twoArguments = subject.strings("a", "b");
        assertThat(oneArgument).isEqualTo(S + ".strings<String>(\"a,b\")");
        assertThat(twoArguments).isEqualTo(S + ".strings<String,String>(\"a\",\"b\")");
        assertThat(subject.strings("say \"hi\" \\o/")).isEqualTo(S + ".strings<String>(\"say \\\"hi\\\" \\\\o/\")");
    }

    @Test
    void nullIsAValueOfItsOwn() {
        assertThat(subject.one(null)).isEqualTo(S + ".one(null)");
        assertThat(subject.strings("null")).isEqualTo(S + ".strings<String>(\"null\")");
    }

    @Test
    void valueTypesFormatCanonically() {
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(subject.one(Color.GREEN)).isEqualTo(S + ".one(Color.GREEN)");
        assertThat(subject.one(uuid)).isEqualTo(S + ".one(123e4567-e89b-12d3-a456-426614174000)");
        assertThat(subject.one(LocalDate.of(2026, 11, 23))).isEqualTo(S + ".one(2026-11-23)");
        assertThat(subject.one(Instant.parse("2026-11-23T10:15:30Z"))).isEqualTo(S + ".one(2026-11-23T10:15:30Z)");
        assertThat(subject.one(new BigDecimal("10.50"))).isEqualTo(S + ".one(BigDecimal(10.50))");
        assertThat(subject.one(Optional.empty())).isEqualTo(S + ".one(Optional.empty)");
        assertThat(subject.one(Optional.of("x"))).isEqualTo(S + ".one(Optional[\"x\"])");
        assertThat(subject.one(new Point(1, 2))).isEqualTo(S + ".one(Point(1,2))");
    }

    @Test
    void arraysAndListsKeepOrderAndFormatTheirElements() {
        assertThat(subject.one(new int[] {3, 1})).isEqualTo(S + ".one(int[]{3,1})");
        assertThat(subject.one(new String[] {"a", null})).isEqualTo(S + ".one(String[]{\"a\",null})");
        assertThat(subject.one(List.of(3, 1))).isEqualTo(S + ".one([3,1])");
    }

    @Test
    void setsAndMapsAreSortedSoThatHashOrderNeverLeaksIntoKeys() {
        Set<Color> a = new LinkedHashSet<>(List.of(Color.GREEN, Color.RED));
        Set<Color> b = new HashSet<>(List.of(Color.RED, Color.GREEN));
        assertThat(subject.one(a)).isEqualTo(S + ".one({Color.GREEN,Color.RED})").isEqualTo(subject.one(b));
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", 2);
        assertThat(subject.one(m)).isEqualTo(S + ".one({\"a\"=2,\"z\"=1})");
    }

    @Test
    void datesDoNotDependOnTheJvmTimeZone() {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            assertThat(subject.one(new Date(0))).isEqualTo(S + ".one(Date(1970-01-01T00:00:00Z))");
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    /**
     * Issue 17: docs/keys.md gives {@code Calendar(2026-11-23T10:15:30Z[Europe/Paris])}; nothing held it. The instant
     * and the calendar's own zone, never the JVM's zone; the key read back from its text finds the entry.
     */
    @Test
    void calendarsRenderTheirInstantAndTheirZoneAndTheirTextFindsTheEntry() {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            Calendar paris = new GregorianCalendar(TimeZone.getTimeZone("Europe/Paris"), Locale.ROOT);
            paris.setTimeInMillis(Instant.parse("2026-11-23T10:15:30Z").toEpochMilli());
            String key = S + ".calendar(Calendar(2026-11-23T10:15:30Z[Europe/Paris]))";
            assertThat(subject.calendar(paris)).as("the form docs/keys.md gives").isEqualTo(key);
            assertThat(subject.one(paris)).as("the runtime type picks the form for an Object parameter")
                    .isEqualTo(S + ".one(Calendar(2026-11-23T10:15:30Z[Europe/Paris]))");

            Calendar utc = new GregorianCalendar(TimeZone.getTimeZone("UTC"), Locale.ROOT);
            utc.setTimeInMillis(paris.getTimeInMillis());
            assertThat(subject.calendar(utc)).as("the zone is part of the value, so of the key")
                    .isEqualTo(S + ".calendar(Calendar(2026-11-23T10:15:30Z[UTC]))");
            Calendar withMillis = (Calendar) paris.clone();
            withMillis.add(Calendar.MILLISECOND, 250);
            assertThat(subject.calendar(withMillis))
                    .isEqualTo(S + ".calendar(Calendar(2026-11-23T10:15:30.250Z[Europe/Paris]))");

            // read back from text (an invalidation from another instance, ItemKey.of): the entry of the local call
            int calls = subject.calls.get();
            subject.calendar(paris);
            assertThat(subject.calls.get()).as("a hit").isEqualTo(calls);
            ItemKey read = ItemKey.of(key);
            assertThat(read.canonical()).isEqualTo(key);
            assertThat(cache.backend.get(read)).as("found by the key read from its text").isNotNull();
            CachingServices.getDefaultBackend().invalidate(key);
            subject.calendar(paris);
            assertThat(subject.calls.get()).as("invalidated by its text: the body runs again").isEqualTo(calls + 1);
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void aCacheKeyArgumentFormatsItself() {
        assertThat(subject.one(new Sku("A-1"))).isEqualTo(S + ".one(sku:A-1)");
    }

    @Test
    void aRegisteredFormatterFormatsATypeTheApplicationDoesNotOwn() {
        CachingServices.registerKeyFormatter(Money.class, (money, out) -> out.append(money.cents).append('c'));
        assertThat(subject.one(new Money(1250))).isEqualTo(S + ".one(1250c)");
    }

    @Test
    void formattersCannotReplaceBuiltInForms() {
        assertThatThrownBy(() -> CachingServices.registerKeyFormatter(String.class, (s, out) -> out.append(s)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void anArgumentWithOnlyAnIdentityHashIsAConfigurationErrorNamingMethodAndParameter() {
        assertThatThrownBy(() -> subject.opaque(new Opaque()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining(S + ".opaque(Opaque o)")
                .hasMessageContaining("parameter 'o'")
                .hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("CacheKey")
                .hasMessageContaining("@NotCacheKey");
        assertThatThrownBy(() -> subject.one(new Object()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("parameter 'value'")
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void notCacheKeyParametersAreLeftOutOfTheKey() {
        String first = subject.withExcluded(7, new StringBuilder("one"));
        String second = subject.withExcluded(7, new StringBuilder("two"));
        assertThat(first).isEqualTo(S + ".withExcluded(7L)").isSameAs(second);
        assertThat(subject.calls.get()).isEqualTo(1);
    }

    @Test
    void theTargetInstanceIsNotPartOfTheKey() {
        Subject other = new Subject();
        subject.list(List.of(1));
        other.list(List.of(1));
        assertThat(subject.calls.get() + other.calls.get()).isEqualTo(1);
    }

    @Test
    void aTargetThatImplementsCacheKeyIsPartOfTheKey() {
        TenantRepository acme = new TenantRepository("acme");
        TenantRepository globex = new TenantRepository("globex");
        assertThat(acme.find(1)).isEqualTo("dev.weft.caching.tests.KeysTest$TenantRepository[acme].find(1)");
        assertThat(globex.find(1)).isEqualTo("dev.weft.caching.tests.KeysTest$TenantRepository[globex].find(1)");
        acme.find(1);
        assertThat(acme.calls.get()).isEqualTo(1);
        assertThat(globex.calls.get()).isEqualTo(1);
    }

    @Test
    void equalMutableArgumentsHitAndLaterMutationDoesNotCorruptTheStoredKey() {
        List<Integer> values = new java.util.ArrayList<>(List.of(1, 2));
        subject.list(values);
        values.add(3);
        subject.list(List.of(1, 2));
        assertThat(subject.calls.get()).isEqualTo(1);
        subject.list(values);
        assertThat(subject.calls.get()).isEqualTo(2);
    }

    @Test
    void keysLongerThanTheMaximumBecomeMethodPlusDigestNeverATruncation() {
        char[] filler = new char[2000];
        Arrays.fill(filler, 'x');
        String longA = new String(filler);
        String longB = longA.substring(1) + "y";
        String a = subject.strings(longA);
        String b = subject.strings(longB);
        assertThat(a).startsWith(S + ".strings<String>(sha256:").endsWith(")").hasSizeLessThan(200);
        assertThat(a).isNotEqualTo(b);
        assertThat(subject.strings(longA)).isEqualTo(a);
    }
}
