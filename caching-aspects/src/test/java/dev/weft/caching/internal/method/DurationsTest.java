package dev.weft.caching.internal.method;

import dev.weft.caching.CachingConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code @Cached}'s duration and fraction attributes are read: every unit, the off values, and what is refused. */
class DurationsTest {

    @Test
    void everyUnitReads() {
        assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(Durations.parse("7us")).isEqualTo(Duration.ofNanos(7_000));
        assertThat(Durations.parse("7ms")).isEqualTo(Duration.ofMillis(7));
        assertThat(Durations.parse("7s")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Durations.parse("7m")).isEqualTo(Duration.ofMinutes(7));
        assertThat(Durations.parse("7h")).isEqualTo(Duration.ofHours(7));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void partsAddUpAndCaseAndSpacesAroundDoNotMatter() {
        assertThat(Durations.parse(" 1H30m ")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1h1m1s1ms")).isEqualTo(Duration.ofMillis(3_661_001));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("pt0.5s")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void emptyIsInheritedAndZeroOrNoneIsOff() {
        assertThat(Durations.parse("  ")).isNull();
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("None")).isZero();
        assertThat(Durations.parse("0s")).isZero();
    }

    @Test
    void malformedNegativeAndOverflowingTextIsRefusedShowingIt() {
        for (String bad : new String[] {"5", "s", "5x", "5 s", "-5s", "1.5s", "PT", "-PT1S", "P1Y",
                "99999999999999999999s", "9223372036854775807us", "9223372036854775807d"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"");
        }
    }

    @Test
    void eagerRefreshIsAFractionBetweenZeroAndOne() {
        assertThat(DeclaredSettings.fraction("80%", "eagerRefresh", "m()")).isEqualTo(0.8);
        assertThat(DeclaredSettings.fraction(" 12.5 % ", "eagerRefresh", "m()")).isEqualTo(0.125);
        assertThat(DeclaredSettings.fraction("0.75", "eagerRefresh", "m()")).isEqualTo(0.75);
        assertThat(DeclaredSettings.fraction("", "eagerRefresh", "m()")).isNull();
        assertThat(DeclaredSettings.fraction("NONE", "eagerRefresh", "m()")).isZero();
        assertThat(DeclaredSettings.fraction("0", "eagerRefresh", "m()")).isZero();
        for (String bad : new String[] {"100%", "1", "0%", "0.0", "-10%", "150%", "eighty", "%", "NaN"}) {
            assertThatThrownBy(() -> DeclaredSettings.fraction(bad, "eagerRefresh", "Catalog.price(long id)"))
                    .as(bad)
                    .isInstanceOf(CachingConfigurationException.class)
                    .hasMessageStartingWith("Catalog.price(long id): eagerRefresh: cannot use \"" + bad + "\"");
        }
    }
}
