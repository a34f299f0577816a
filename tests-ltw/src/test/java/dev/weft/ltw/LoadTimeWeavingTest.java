package dev.weft.ltw;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * This module is compiled by plain javac; its classes are woven as they load, by {@code -javaagent:aspectjweaver.jar}
 * reading Weft's {@code META-INF/aop.xml} and the test's own one.
 */
class LoadTimeWeavingTest {

    static class Catalog {
        final AtomicInteger calls = new AtomicInteger();
        volatile String name = "old";

        @Cached
        String product(int id) {
            calls.incrementAndGet();
            return name + " " + id;
        }

        @InvalidateCache("product")
        void rename(int id, String newName) {
            name = newName;
        }
    }

    private MemoryCachingBackend backend;

    @BeforeEach
    void setUp() {
        backend = MemoryCachingBackend.create();
        CachingServices.setDefaultBackend(backend);
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void theTestRunsUnderTheWeaverAgentOnClassesJavacCompiled() {
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .anyMatch(a -> a.startsWith("-javaagent:") && a.contains("aspectjweaver"));
        assertThat(Arrays.stream(Catalog.class.getDeclaredFields()).map(f -> f.getName()))
                .as("the weaver added its join point fields when the class loaded")
                .anyMatch(n -> n.startsWith("ajc$tjp_"));
    }

    @Test
    void cachedAndInvalidateCacheWorkUnderLoadTimeWeaving() {
        Catalog catalog = new Catalog();
        assertThat(catalog.product(1)).isEqualTo("old 1");
        assertThat(catalog.product(1)).isEqualTo("old 1");
        assertThat(catalog.calls.get()).isEqualTo(1);
        catalog.rename(1, "new");
        assertThat(catalog.product(1)).isEqualTo("new 1");
        assertThat(catalog.calls.get()).isEqualTo(2);
    }

    @Test
    void classesWovenAtLoadTimePassTheStartUpCheck() {
        // the weaver marks what it weaves at load time too, so verifyWoven does not mistake these javac-compiled
        // classes for unwoven ones
        assertThatCode(() -> CachingServices.verifyWoven(Catalog.class)).doesNotThrowAnyException();
    }
}
