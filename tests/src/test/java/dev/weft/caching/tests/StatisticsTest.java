package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-method and per-profile counters. */
class StatisticsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static {
        CachingServices.setProfile(CachingProfile.builder("statistics-test").build());
    }

    static class Counted {
        @Cached(profile = "statistics-test")
        String a(int id) {
            return "a" + id;
        }

        @Cached(profile = "statistics-test")
        String b(int id) {
            return "b" + id;
        }
    }

    private static CachingStatistics.Counters method(String name) {
        return CachingServices.statistics().methods().entrySet().stream()
                .filter(e -> e.getKey().endsWith("StatisticsTest$Counted." + name + "(int id)"))
                .map(java.util.Map.Entry::getValue)
                .findFirst().orElseThrow();
    }

    @Test
    void hitsMissesAndLoadsAreCountedPerMethodAndPerProfile() {
        Counted c = new Counted();
        c.a(1);
        c.a(1);
        c.a(1);
        c.a(2);
        c.b(1);
        CachingServices.invalidate(() -> c.a(1));
        CachingStatistics.Counters a = method("a");
        assertThat(a.hits()).isEqualTo(2);
        assertThat(a.misses()).isEqualTo(2);
        assertThat(a.loads()).isEqualTo(2);
        assertThat(a.invalidations()).isEqualTo(1);
        assertThat(a.hitRatio()).isEqualTo(0.5);
        assertThat(a.loadTime()).isPositive();
        CachingStatistics.Counters profile = CachingServices.statistics().profiles().get("statistics-test");
        assertThat(profile.misses()).isEqualTo(3);
        assertThat(profile.hits()).isEqualTo(2);
    }
}
