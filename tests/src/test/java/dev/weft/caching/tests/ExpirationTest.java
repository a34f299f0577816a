package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfiguration;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Expiration and the precedence of settings: method, class, enclosing class, profile. Time is a fake clock. */
class ExpirationTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Prices {
        final AtomicInteger calls = new AtomicInteger();

        @Cached(absoluteExpiration = "10s")
        int absolute(int id) {
            return calls.incrementAndGet();
        }

        @Cached(slidingExpiration = "10s")
        int sliding(int id) {
            return calls.incrementAndGet();
        }

        @Cached(slidingExpiration = "10s", absoluteExpiration = "25s")
        int both(int id) {
            return calls.incrementAndGet();
        }

        @Cached(absoluteExpiration = "PT1M")
        int iso(int id) {
            return calls.incrementAndGet();
        }

        @Cached
        int forever(int id) {
            return calls.incrementAndGet();
        }
    }

    @CachingConfiguration(absoluteExpiration = "1m", profile = "expiration-test")
    static class Configured {
        final AtomicInteger calls = new AtomicInteger();

        @Cached
        int fromClass(int id) {
            return calls.incrementAndGet();
        }

        @Cached(absoluteExpiration = "5s")
        int fromMethod(int id) {
            return calls.incrementAndGet();
        }

        static class Nested {
            final AtomicInteger calls = new AtomicInteger();

            @Cached
            int fromOuterClass(int id) {
                return calls.incrementAndGet();
            }
        }

        @CachingConfiguration(slidingExpiration = "none")
        static class NestedWithOwn {
            final AtomicInteger calls = new AtomicInteger();

            @Cached
            int inheritsAbsoluteFromOuterAndProfileFromOuter(int id) {
                return calls.incrementAndGet();
            }
        }
    }

    static class ProfileOnly {
        final AtomicInteger calls = new AtomicInteger();

        @Cached(profile = "expiration-test")
        int fromProfile(int id) {
            return calls.incrementAndGet();
        }
    }

    {
        CachingServices.setProfile(CachingProfile.builder("expiration-test")
                .absoluteExpiration(Duration.ofHours(1)).slidingExpiration(Duration.ofMinutes(2)).build());
    }

    @AfterEach
    void resetProfile() {
        CachingServices.setProfile(CachingProfile.builder("expiration-test").build());
    }

    private final Prices prices = new Prices();

    private void advance(String seconds) {
        cache.ticker.advance(Duration.ofSeconds(Long.parseLong(seconds)));
    }

    @Test
    void absoluteExpirationEndsTheEntryWhateverItsUse() {
        assertThat(prices.absolute(1)).isEqualTo(1);
        advance("9");
        assertThat(prices.absolute(1)).isEqualTo(1);
        advance("2");
        assertThat(prices.absolute(1)).isEqualTo(2);
    }

    @Test
    void slidingExpirationIsExtendedByEachRead() {
        assertThat(prices.sliding(1)).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            advance("9");
            assertThat(prices.sliding(1)).isEqualTo(1);
        }
        advance("11");
        assertThat(prices.sliding(1)).isEqualTo(2);
    }

    @Test
    void readsDoNotExtendAnEntryPastItsAbsoluteExpiration() {
        assertThat(prices.both(1)).isEqualTo(1);
        advance("9");
        assertThat(prices.both(1)).isEqualTo(1);
        advance("9");
        assertThat(prices.both(1)).isEqualTo(1);
        advance("9");
        assertThat(prices.both(1)).isEqualTo(2);
    }

    @Test
    void isoDurationsAreAccepted() {
        assertThat(prices.iso(1)).isEqualTo(1);
        advance("59");
        assertThat(prices.iso(1)).isEqualTo(1);
        advance("2");
        assertThat(prices.iso(1)).isEqualTo(2);
    }

    @Test
    void withoutExpirationAnEntryLastsUntilEvictedOrInvalidated() {
        assertThat(prices.forever(1)).isEqualTo(1);
        cache.ticker.advance(Duration.ofDays(365));
        assertThat(prices.forever(1)).isEqualTo(1);
    }

    @Test
    void theMethodsSettingWinsOverItsClass() {
        Configured c = new Configured();
        c.fromMethod(1);
        advance("6");
        c.fromMethod(1);
        assertThat(c.calls.get()).isEqualTo(2);
    }

    @Test
    void theClassSettingWinsOverTheProfile() {
        Configured c = new Configured();
        c.fromClass(1);
        advance("59");
        c.fromClass(1);
        assertThat(c.calls.get()).as("the profile's 2-minute sliding expiration still applies").isEqualTo(1);
        advance("61");
        c.fromClass(1);
        assertThat(c.calls.get()).as("expired by the class's 1-minute absolute expiration").isEqualTo(2);
    }

    @Test
    void aNestedClassInheritsFromItsEnclosingClass() {
        Configured.Nested n = new Configured.Nested();
        n.fromOuterClass(1);
        advance("61");
        n.fromOuterClass(1);
        assertThat(n.calls.get()).isEqualTo(2);
    }

    @Test
    void theNearestClassWinsAndTheRestIsInherited() {
        Configured.NestedWithOwn n = new Configured.NestedWithOwn();
        n.inheritsAbsoluteFromOuterAndProfileFromOuter(1);
        advance("50");
        n.inheritsAbsoluteFromOuterAndProfileFromOuter(1);
        advance("50");
        n.inheritsAbsoluteFromOuterAndProfileFromOuter(1);
        assertThat(n.calls.get()).as("sliding 'none' from the nested class, absolute 1m from the outer").isEqualTo(2);
    }

    @Test
    void theProfileAppliesWhenNothingElseIsSet() {
        ProfileOnly p = new ProfileOnly();
        p.fromProfile(1);
        advance("119");
        p.fromProfile(1);
        assertThat(p.calls.get()).isEqualTo(1);
        advance("121");
        p.fromProfile(1);
        assertThat(p.calls.get()).as("the profile's sliding expiration").isEqualTo(2);
    }

    @Test
    void replacingAProfileAppliesToItemsStoredAfterwards() {
        ProfileOnly p = new ProfileOnly();
        p.fromProfile(1);
        CachingServices.setProfile(CachingProfile.builder("expiration-test")
                .absoluteExpiration(Duration.ofSeconds(5)).build());
        p.fromProfile(2);
        advance("6");
        p.fromProfile(1);
        p.fromProfile(2);
        assertThat(p.calls.get()).as("only the item stored under the new profile expired").isEqualTo(3);
    }
}
