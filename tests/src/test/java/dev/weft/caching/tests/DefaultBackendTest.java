package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Setting, using and giving back the default backend. */
class DefaultBackendTest {

    static class Source {
        final AtomicInteger calls = new AtomicInteger();

        @Cached
        int value(int id) {
            return calls.incrementAndGet();
        }
    }

    @Test
    void aBackendGivenBackAtShutdownIsNoLongerUsedAndANewDefaultTakesOver() {
        MemoryCachingBackend mine = MemoryCachingBackend.create();
        MemoryCachingBackend other = MemoryCachingBackend.create();
        CachingServices.setDefaultBackend(mine);
        Source source = new Source();
        source.value(1);
        source.value(1);
        assertThat(source.calls.get()).isEqualTo(1);

        assertThat(CachingServices.resetDefaultBackend(other)).as("not the one in use: nothing happens").isFalse();
        assertThat(CachingServices.getDefaultBackend()).isSameAs(mine);
        assertThat(CachingServices.resetDefaultBackend(mine)).isTrue();
        mine.close();

        CachingBackend fresh = CachingServices.getDefaultBackend();
        assertThat(fresh).isNotSameAs(mine).isInstanceOf(MemoryCachingBackend.class);
        source.value(1);
        source.value(1);
        assertThat(source.calls.get()).as("cached again, in the new default backend").isEqualTo(2);
        other.close();
    }
}
