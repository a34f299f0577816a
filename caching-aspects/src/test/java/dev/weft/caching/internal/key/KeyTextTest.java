package dev.weft.caching.internal.key;

import dev.weft.caching.CacheKey;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.KeyFormatter;
import dev.weft.caching.testing.HiddenRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.Year;
import java.time.temporal.TemporalAccessor;
import java.util.Calendar;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key text of each kind of value, written by a fresh {@link KeyFormatting} (the woven specification tests share
 * one whose per-class decisions are made once per JVM), and the dependency keys of {@code dependsOn} templates.
 */
class KeyTextTest {

    enum Color { RED }

    enum Tier implements CacheKey {
        GOLD;

        @Override
        public String toCacheKey() {
            return "tier-gold";
        }
    }

    record Point(int x, String label) {
    }

    /** Overrides toString(): that is its key text. */
    static class Sku {
        final String code;

        Sku(String code) {
            this.code = code;
        }

        @Override
        public String toString() {
            return "sku:" + code;
        }
    }

    /** Has only Object's toString(): no key text. */
    static class Opaque {
    }

    interface Named {
        String name();
    }

    interface Product extends Named {
    }

    static final class Widget implements Product {
        @Override
        public String name() {
            return "widget";
        }
    }

    /** An application CharSequence: a formatter for CharSequence applies to it, not to String. */
    static final class Code implements CharSequence {
        @Override
        public int length() {
            return 1;
        }

        @Override
        public char charAt(int index) {
            return 'c';
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return this;
        }
    }

    private final KeyFormatting formatting = new KeyFormatting();

    private String text(Object value) {
        return formatting.format(value);
    }

    @Test
    void jdkValuesHaveFixedFormsIndependentOfTheJvmsDefaults() {
        Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("Europe/Paris"));
        calendar.setTimeInMillis(0);
        assertThat(text(new Date(0))).isEqualTo("Date(1970-01-01T00:00:00Z)");
        assertThat(text(calendar)).isEqualTo("Calendar(1970-01-01T00:00:00Z[Europe/Paris])");
        assertThat(text(Locale.US)).isEqualTo("en-US");
        assertThat(text(String.class)).isEqualTo("java.lang.String.class");
        assertThat(text(Optional.of("a"))).isEqualTo("Optional[\"a\"]");
        assertThat(text(Optional.empty())).isEqualTo("Optional.empty");
        assertThat(text(OptionalInt.of(1))).isEqualTo("OptionalInt[1]");
        assertThat(text(OptionalLong.empty())).isEqualTo("OptionalLong.empty");
        assertThat(text(OptionalDouble.of(1.5))).isEqualTo("OptionalDouble[1.5]");
        assertThat(text(OptionalDouble.of(1.0E23))).as("not its toString(), which JDK 17 writes 9.999999999999999E22")
                .isEqualTo("OptionalDouble[1.0E23]");
        assertThat(text(OptionalDouble.empty())).isEqualTo("OptionalDouble.empty");
        assertThat(text(new int[] {1, 2})).isEqualTo("int[]{1,2}");
        assertThat(text(new String[] {"a", null})).isEqualTo("String[]{\"a\",null}");
        assertThat(text(List.of(1L, 2L))).isEqualTo("[1L,2L]");
        assertThat(text(new LinkedHashSet<>(List.of("b", "a")))).isEqualTo("{\"a\",\"b\"}");
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("b", 2);
        map.put("a", 1);
        assertThat(text(map)).isEqualTo("{\"a\"=1,\"b\"=2}");
        assertThat(text(Map.of())).isEqualTo("{=}");
        assertThat(text(null)).isEqualTo("null");
        assertThat(text(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(text(BigInteger.TEN)).isEqualTo("BigInteger(10)");
        assertThat(text(Year.of(2024))).isEqualTo("Year(2024)");
    }

    @Test
    void applicationValuesAreWrittenByTheirOwnForm() {
        assertThat(text(Color.RED)).isEqualTo("Color.RED");
        assertThat(text(Tier.GOLD)).isEqualTo("tier-gold");
        assertThat(text(new Point(1, "p"))).isEqualTo("Point(1,\"p\")");
        assertThat(text(HiddenRecord.box(7, "b"))).as("a private record in another package (class path)")
                .isEqualTo("Box(7L,\"b\")");
        assertThat(text(new Sku("42"))).isEqualTo("sku:42");
        assertThatThrownBy(() -> text(new Opaque())).isInstanceOfSatisfying(UnformattableArgumentException.class,
                e -> {
                    assertThat(e.type()).isEqualTo(Opaque.class);
                    assertThat(e.getMessage()).contains(Opaque.class.getName()).contains("identity hash")
                            .contains("registerKeyFormatter(Opaque.class");
                });
    }

    @Test
    void aRegisteredFormatterAppliesToTheTypeItsSubtypesAndImplementationsOfItsSubInterfaces() {
        assertThat(text(new Sku("1"))).as("before registration").isEqualTo("sku:1");
        formatting.register(Sku.class, (s, out) -> out.append("SKU-").append(s.code));
        assertThat(text(new Sku("1"))).as("the remembered form is forgotten").isEqualTo("SKU-1");

        formatting.register(Named.class, (n, out) -> out.append("named:").append(n.name()));
        assertThat(text(new Widget())).isEqualTo("named:widget");

        formatting.register(CharSequence.class, (c, out) -> out.append("chars:").append(c.length()));
        assertThat(text("x")).as("a JDK type keeps its built-in form").isEqualTo("\"x\"");
        assertThat(text(new Code())).isEqualTo("chars:1");
        assertThat(text(new StringBuilder("ab"))).as("a JDK type without a built-in form").isEqualTo("chars:2");

        formatting.register(TemporalAccessor.class, (t, out) -> out.append("temporal"));
        assertThat(text(DayOfWeek.MONDAY)).isEqualTo("DayOfWeek.MONDAY");
        assertThat(ComponentForm.of(DayOfWeek.class, formatting)).as("a JDK enum stays a component").isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void builtInFormsCannotBeReplaced() {
        KeyFormatter<Object> any = (v, out) -> out.append("x");
        for (Class<?> type : List.of(Integer.class, String.class, Object.class, int.class, int[].class, List.class,
                Color[].class)) {
            assertThatThrownBy(() -> formatting.register((Class<Object>) type, any))
                    .as(type.getName()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(type.getName()).hasMessageContaining("built in");
        }
    }

    @Test
    void doublesAndFloatsAreWrittenAlikeOnEveryJdk() {
        assertThat(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1.0, 12.0,
                100.0, 1.5, -2.5, 0.001, 1.0E-4, 9999999.0, 1.0E7, 1.0E23, 2.0E-3, 4.9E-324, 0.1 + 0.2))
                .extracting(this::text).containsExactly("NaND", "InfinityD", "-InfinityD", "0.0D", "-0.0D", "1.0D",
                        "12.0D", "100.0D", "1.5D", "-2.5D", "0.001D", "1.0E-4D", "9999999.0D", "1.0E7D", "1.0E23D",
                        "0.002D", "4.9E-324D", "0.30000000000000004D");
        assertThat(List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.0f, -0.0f, 1.1f, 12.0f,
                1.0E10f)).extracting(this::text).containsExactly("NaNF", "InfinityF", "-InfinityF", "0.0F", "-0.0F",
                        "1.1F", "12.0F", "1.0E10F");
    }

    private String dependency(String template, Object value) {
        return DependencyTemplate.parse(template, name -> name.equals("id") ? 0 : -1, "Svc.get(id)", "a parameter")
                .render(i -> value, formatting);
    }

    @Test
    void aDependencyTemplateWritesValuesAsAPersonWould() {
        assertThat(dependency("product:{id}", "ab")).isEqualTo("product:ab");
        assertThat(dependency("product:{id}", 'c')).isEqualTo("product:c");
        assertThat(dependency("product:{id}", 42)).isEqualTo("product:42");
        assertThat(dependency("product:{id}", 42L)).isEqualTo("product:42");
        assertThat(dependency("product:{id}", (short) 42)).isEqualTo("product:42");
        assertThat(dependency("product:{id}", (byte) 42)).isEqualTo("product:42");
        assertThat(dependency("product:{id}", BigInteger.TEN)).isEqualTo("product:10");
        assertThat(dependency("product:{id}", new BigDecimal("1.50"))).isEqualTo("product:1.50");
        assertThat(dependency("product:{id}", Year.of(2024))).isEqualTo("product:2024");
        assertThat(dependency("product:{id}", 1.5)).isEqualTo("product:1.5");
        assertThat(dependency("product:{id}", 2.5f)).isEqualTo("product:2.5");
        assertThat(dependency("product:{id}", Color.RED)).isEqualTo("product:RED");
        assertThat(dependency("product:{id}", Tier.GOLD)).as("an application form wins").isEqualTo("product:tier-gold");
        assertThat(dependency("product:{id}", List.of(1, 2))).isEqualTo("product:[1,2]");
        assertThat(dependency("product:{id}", null)).isEqualTo("product:null");
        assertThat(dependency("product:{ id }", 7)).isEqualTo("product:7");
    }

    @Test
    void aDependencyTemplateHasLiteralsAroundEachPlaceholderAndEscapedBraces() {
        DependencyTemplate two = DependencyTemplate.parse("a{x}-{y}b", name -> name.equals("x") ? 0 : 1, "m",
                "a parameter");
        assertThat(two.render(i -> i == 0 ? "X" : "Y", formatting)).isEqualTo("aX-Yb");
        assertThat(two.isConstant()).isFalse();
        assertThat(two.toString()).isEqualTo("a{x}-{y}b");

        DependencyTemplate braces = DependencyTemplate.parse("{{x}}:{{", name -> -1, "m", "a parameter");
        assertThat(braces.isConstant()).isTrue();
        assertThat(braces.render(i -> null, formatting)).isEqualTo("{x}:{");
        assertThat(DependencyTemplate.parse("}}", name -> -1, "m", "a parameter").render(i -> null, formatting))
                .isEqualTo("}");
    }

    @Test
    void aMalformedDependencyTemplateIsRefusedNamingTheMethod() {
        assertThatThrownBy(() -> dependency("", 1)).isInstanceOf(CachingConfigurationException.class)
                .hasMessage("Svc.get(id): a dependency template must not be empty");
        assertThatThrownBy(() -> dependency("product:{id", 1)).isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("Svc.get(id)").hasMessageContaining("unclosed '{'");
        assertThatThrownBy(() -> dependency("product:{", 1)).isInstanceOf(CachingConfigurationException.class)
                .as("a '{' as the last character").hasMessageContaining("unclosed '{'");
        assertThatThrownBy(() -> dependency("product}", 1)).isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("unmatched '}'");
        assertThatThrownBy(() -> dependency("product:{sku}", 1)).isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("names 'sku', which is not a parameter");
    }

    /** The JDK's own types, which no formatter or {@code CacheKey} may override: primitives and arrays of them count. */
    @Test
    void primitivesAndArraysOfJdkTypesAreTheJdksOwn() {
        assertThat(KeyFormatting.isJdk(int.class)).isTrue();
        assertThat(KeyFormatting.isJdk(long[][].class)).isTrue();
        assertThat(KeyFormatting.isJdk(String[].class)).isTrue();
        assertThat(KeyFormatting.isJdk(java.sql.Date.class)).as("platform class loader").isTrue();
        assertThat(KeyFormatting.isJdk(KeyTextTest[].class)).isFalse();
    }

}
