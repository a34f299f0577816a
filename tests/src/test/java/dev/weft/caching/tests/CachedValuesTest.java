package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DESIGN invariant 3: what is cached, and what is not. */
class CachedValuesTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class Source {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean fail;

        @Cached
        String nullFor(int id) {
            calls.incrementAndGet();
            return null;
        }

        @Cached
        Optional<String> find(int id) {
            calls.incrementAndGet();
            return Optional.empty();
        }

        @Cached
        String read(int id) throws IOException {
            calls.incrementAndGet();
            if (fail) {
                throw new IOException("source down for " + id);
            }
            return "value " + id;
        }

        @Cached
        int count(String what) {
            calls.incrementAndGet();
            return what.length();
        }

        @Cached
        Object identity(long id) {
            calls.incrementAndGet();
            return new Object();
        }
    }

    private final Source source = new Source();

    @Test
    void aNullResultIsCachedAndIsNotAMiss() {
        assertThat(source.nullFor(1)).isNull();
        assertThat(source.nullFor(1)).isNull();
        assertThat(source.calls.get()).isEqualTo(1);
    }

    @Test
    void anEmptyOptionalIsCached() {
        assertThat(source.find(1)).isEmpty();
        assertThat(source.find(1)).isEmpty();
        assertThat(source.calls.get()).isEqualTo(1);
    }

    @Test
    void aMethodThatThrowsCachesNothingAndItsExceptionPropagatesUnchanged() throws IOException {
        source.fail = true;
        assertThatThrownBy(() -> source.read(5)).isInstanceOf(IOException.class).hasMessage("source down for 5");
        source.fail = false;
        assertThat(source.read(5)).isEqualTo("value 5");
        assertThat(source.read(5)).isEqualTo("value 5");
        assertThat(source.calls.get()).isEqualTo(2);
    }

    @Test
    void primitiveResultsAreCached() {
        assertThat(source.count("four")).isEqualTo(4);
        assertThat(source.count("four")).isEqualTo(4);
        assertThat(source.calls.get()).isEqualTo(1);
    }

    @Test
    void aHitReturnsTheStoredInstance() {
        Object first = source.identity(3);
        assertThat(source.identity(3)).isSameAs(first);
        assertThat(source.identity(4)).isNotSameAs(first);
    }
}
