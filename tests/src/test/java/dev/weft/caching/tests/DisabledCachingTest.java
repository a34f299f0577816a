package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** With caching off, globally or for a profile, every call runs its body. */
class DisabledCachingTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Source {
        final AtomicInteger calls = new AtomicInteger();

        @Cached
        int value(int id) {
            return calls.incrementAndGet();
        }

        @Cached(profile = "disabled-test")
        int profiled(int id) {
            return calls.incrementAndGet();
        }
    }

    private final Source source = new Source();

    @AfterEach
    void restoreProfile() {
        CachingServices.setProfile(CachingProfile.builder("disabled-test").build());
    }

    @Test
    void globallyDisabledCachingPassesThrough() {
        CachingServices.setEnabled(false);
        assertThat(source.value(1)).isEqualTo(1);
        assertThat(source.value(1)).isEqualTo(2);
        assertThat(CachingServices.isEnabled()).isFalse();
    }

    @Test
    void reEnabledCachingCachesAgain() {
        CachingServices.setEnabled(false);
        source.value(1);
        CachingServices.setEnabled(true);
        source.value(1);
        source.value(1);
        assertThat(source.calls.get()).isEqualTo(2);
    }

    @Test
    void aDisabledProfilePassesThroughAndOthersStillCache() {
        CachingServices.setProfile(CachingProfile.builder("disabled-test").enabled(false).build());
        source.profiled(1);
        source.profiled(1);
        source.value(1);
        source.value(1);
        assertThat(source.calls.get()).isEqualTo(3);
    }
}
