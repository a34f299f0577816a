package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfiguration;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.NotCacheKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DESIGN invariant 2: what the weaver cannot see fails on first use, with the class, method and value named. */
class ConfigurationErrorsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Misconfigured {
        @Cached(absoluteExpiration = "ten minutes")
        String badDuration(int id) {
            return "x";
        }

        @Cached(profile = "no-such-profile")
        String unknownProfile(int id) {
            return "x";
        }

        @Cached(profile = "registered-later")
        String registeredLater(int id) {
            return "x";
        }

        @Cached(dependsOn = "product:{productId}")
        String unknownPlaceholder(int id) {
            return "x";
        }

        @Cached(dependsOn = "product:{trace}")
        String placeholderOnExcludedParameter(int id, @NotCacheKey String trace) {
            return "x";
        }

        @Cached(dependsOn = "product:{id")
        String unclosedPlaceholder(int id) {
            return "x";
        }
    }

    static class InvalidatesNothing {
        int runs;

        @InvalidateCache({})   // compiles and weaves (docs/getting-started.md says so): only the first call can tell
        void update(long id) {
            runs++;
        }
    }

    @CachingConfiguration(slidingExpiration = "5 parsecs")
    static class BadClassConfiguration {
        @Cached
        String value(int id) {
            return "x";
        }
    }

    private final Misconfigured m = new Misconfigured();
    private static final String M = "dev.weft.caching.tests.ConfigurationErrorsTest$Misconfigured";

    @Test
    void anUnparseableDurationNamesTheMethodTheAttributeAndTheText() {
        assertThatThrownBy(() -> m.badDuration(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining(M + ".badDuration(int id)")
                .hasMessageContaining("@Cached(absoluteExpiration)")
                .hasMessageContaining("\"ten minutes\"");
    }

    @Test
    void anUnparseableClassDurationNamesTheClass() {
        assertThatThrownBy(() -> new BadClassConfiguration().value(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("@CachingConfiguration on dev.weft.caching.tests.ConfigurationErrorsTest$BadClassConfiguration")
                .hasMessageContaining("\"5 parsecs\"");
    }

    @Test
    void anUnknownProfileNamesTheMethodAndTheProfileAndSaysHowToRegisterIt() {
        assertThatThrownBy(() -> m.unknownProfile(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining(M + ".unknownProfile(int id)")
                .hasMessageContaining("unknown caching profile 'no-such-profile'")
                .hasMessageContaining("CachingServices.setProfile");
    }

    @Test
    void theErrorIsRaisedAgainOnEveryCallNotTurnedIntoAPassThrough() {
        assertThatThrownBy(() -> m.unknownProfile(1)).isInstanceOf(CachingConfigurationException.class);
        assertThatThrownBy(() -> m.unknownProfile(1)).isInstanceOf(CachingConfigurationException.class);
    }

    @Test
    void aProfileRegisteredAfterAFailedCallIsPickedUp() {
        assertThatThrownBy(() -> m.registeredLater(2)).isInstanceOf(CachingConfigurationException.class);
        CachingServices.setProfile(CachingProfile.builder("registered-later").build());
        assertThat(m.registeredLater(2)).isEqualTo("x");
    }

    @Test
    void anUnknownPlaceholderNamesTheTemplateAndTheName() {
        assertThatThrownBy(() -> m.unknownPlaceholder(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining(M + ".unknownPlaceholder(int id)")
                .hasMessageContaining("\"product:{productId}\"")
                .hasMessageContaining("'productId'");
    }

    @Test
    void aPlaceholderOnAnExcludedParameterIsAnError() {
        assertThatThrownBy(() -> m.placeholderOnExcludedParameter(1, "t"))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("'trace'")
                .hasMessageContaining("@NotCacheKey");
    }

    @Test
    void anUnclosedPlaceholderIsAnError() {
        assertThatThrownBy(() -> m.unclosedPlaceholder(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("unclosed '{'");
    }

    @Test
    void badProfileValuesAreRejectedByTheBuilderWithTheValueNamed() {
        assertThatThrownBy(() -> CachingProfile.builder("p").absoluteExpiration(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile 'p'")
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> CachingProfile.builder(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CachingServices.setMaxKeyLength(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10");
    }

    @Test
    void anInvalidateCacheThatNamesNothingFailsItsFirstCallBeforeTheBody() {
        InvalidatesNothing service = new InvalidatesNothing();
        assertThatThrownBy(() -> service.update(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("InvalidatesNothing.update")
                .hasMessageContaining("names no cached method and no dependency");
        assertThat(service.runs).as("the body did not run").isZero();
    }
}
