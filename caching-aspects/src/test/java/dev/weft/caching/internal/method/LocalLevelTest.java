package dev.weft.caching.internal.method;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.CachingRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A backend with a local level in front of a slower one ({@link CachingBackend#localLevel()}, the two-level Redis
 * backend's shape): the hit path reads only the local level, and a miss there is not a miss of the backend, so the load
 * path reads the backend before it runs the body. Driven the way the woven advice drives a call
 * ({@link CachedMethodTest#call}).
 */
class LocalLevelTest {

    /** The slower level is this backend's own map; {@link #local} is the level in front of it. */
    static final class TwoLevels extends ScriptedBackend {
        final ScriptedBackend local = new ScriptedBackend();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public CacheItem get(ItemKey key) {
            reads.incrementAndGet();
            CacheItem item = local.get(key);
            return item != null ? item : super.get(key);
        }

        @Override
        public CachingBackend localLevel() {
            return local;
        }
    }

    final TwoLevels backend = new TwoLevels();
    @RegisterExtension
    final InstalledBackend installed = new InstalledBackend(backend);

    @Test
    void theHitPathReadsTheLocalLevelAlone() throws Exception {
        CachedMethod m = CachedMethodTest.cached("name", int.class);
        backend.local.put(CachedMethodTest.key(m, 1), CacheItem.of("local"));
        AtomicInteger bodies = new AtomicInteger();

        Object answer = CachedMethodTest.call(m, () -> "n" + bodies.incrementAndGet(), 1);

        assertThat(answer).isEqualTo("local");
        assertThat(bodies).hasValue(0);
        assertThat(backend.reads).as("the backend's own get is not on the hit path").hasValue(0);
        assertThat(m.statistics().snapshot().hits()).isEqualTo(1);
    }

    /**
     * Fails without the load path's check that the hit path read only a local level: the first attempt then skips the
     * backend's read (the hit path "just looked"), and the body runs although the slower level holds the value.
     */
    @Test
    void aMissOfTheLocalLevelIsReadFromTheBackendBeforeTheBodyRuns() throws Exception {
        CachedMethod m = CachedMethodTest.cached("name", int.class);
        backend.put(CachedMethodTest.key(m, 2), CacheItem.of("shared"));
        AtomicInteger bodies = new AtomicInteger();

        Object answer = CachedMethodTest.call(m, () -> "n" + bodies.incrementAndGet(), 2);

        assertThat(answer).isEqualTo("shared");
        assertThat(bodies).as("no body run for a value the slower level holds").hasValue(0);
        assertThat(backend.reads).hasValue(1);
    }

    @Test
    void aBackendWithoutALocalLevelIsReadOncePerMiss() throws Exception {
        ScriptedBackend plain = new ScriptedBackend() {
            final AtomicInteger reads = new AtomicInteger();

            @Override
            public CacheItem get(ItemKey key) {
                if (reads.incrementAndGet() > 1) {
                    throw new AssertionError("read twice for one miss");
                }
                return super.get(key);
            }
        };
        CachingBackend previous = CachingRuntime.setBackend(plain);
        try {
            assertThat(CachingRuntime.hitBackend()).isSameAs(plain);
            CachedMethod m = CachedMethodTest.cached("name", int.class);
            assertThat(CachedMethodTest.call(m, () -> "loaded", 3)).isEqualTo("loaded");
            assertThat(plain.begun).hasSize(1);
        } finally {
            CachingRuntime.setBackend(previous);
        }
    }

    @Test
    void aBackendWithoutALocalLevelIsRefusedAndTheBackendInUseStays() {
        ScriptedBackend broken = new ScriptedBackend() {
            @Override
            public CachingBackend localLevel() {
                return null;
            }

            @Override
            public String toString() {
                return "BrokenBackend";
            }
        };
        assertThatThrownBy(() -> CachingRuntime.setBackend(broken))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("BrokenBackend").hasMessageContaining("localLevel()");
        assertThat(CachingRuntime.currentBackend()).isSameAs(backend);
        assertThat(CachingRuntime.hitBackend()).isSameAs(backend.local);
    }

    @Test
    void theRuntimeKeepsTheLocalLevelOfTheBackendInUse() {
        assertThat(CachingRuntime.hitBackend()).isSameAs(backend.local);
        assertThat(CachingRuntime.resetBackend(backend)).isTrue();
        assertThat(CachingRuntime.hitBackend()).isNull();
        CachingRuntime.setBackend(backend);
        assertThat(CachingRuntime.hitBackend()).isSameAs(backend.local);
    }
}
