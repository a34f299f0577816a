package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-reload: an entry that expired or was invalidated keeps being served while one background reload runs; once
 * the reload is stored, the new value is served. The test owns the reload executor and runs its tasks by hand.
 */
class AutoReloadTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    private final BlockingQueue<Runnable> reloads = new LinkedBlockingQueue<>();

    @BeforeEach
    void manualReloads() {
        CachingServices.setReloadExecutor(reloads::add);
    }

    @AfterEach
    void defaultReloads() {
        CachingServices.setReloadExecutor(Runnable::run);
    }

    static class Settings {
        final AtomicInteger version = new AtomicInteger(1);
        final AtomicInteger bodies = new AtomicInteger();
        volatile Runnable duringLoad = () -> { };

        @Cached(autoReload = true, absoluteExpiration = "1m", dependsOn = "settings")
        String value(String name) {
            bodies.incrementAndGet();
            String v = name + " v" + version.get();
            duringLoad.run();
            return v;
        }
    }

    private final Settings settings = new Settings();

    @Test
    void anInvalidatedEntryServesTheOldValueUntilTheBackgroundReloadIsDone() {
        assertThat(settings.value("color")).isEqualTo("color v1");
        settings.version.set(2);
        CachingServices.invalidateDependency("settings");
        assertThat(settings.value("color")).as("served while reloading").isEqualTo("color v1");
        assertThat(settings.value("color")).isEqualTo("color v1");
        assertThat(reloads).as("one reload for the key, however many calls").hasSize(1);
        reloads.poll().run();
        assertThat(settings.value("color")).isEqualTo("color v2");
        assertThat(settings.bodies.get()).isEqualTo(2);
        assertThat(reloads).isEmpty();
    }

    @Test
    void anExpiredEntryIsReloadedInTheBackgroundToo() {
        settings.value("color");
        settings.version.set(2);
        cache.ticker.advance(Duration.ofMinutes(2));
        assertThat(settings.value("color")).isEqualTo("color v1");
        reloads.poll().run();
        assertThat(settings.value("color")).isEqualTo("color v2");
    }

    @Test
    void aReloadInvalidatedWhileItRunsIsNotStoredAndTheNextCallReloadsAgain() {
        settings.value("color");
        settings.version.set(2);
        CachingServices.invalidateDependency("settings");
        assertThat(settings.value("color")).isEqualTo("color v1");
        settings.duringLoad = () -> {
            settings.version.set(3);
            CachingServices.invalidateDependency("settings");
        };
        reloads.poll().run();
        settings.duringLoad = () -> { };
        assertThat(settings.value("color")).as("the reload read v2, but was invalidated meanwhile").isEqualTo("color v1");
        reloads.poll().run();
        assertThat(settings.value("color")).isEqualTo("color v3");
    }

    @Test
    void anExplicitClearForgetsTheValuesAutoReloadWouldServe() {
        settings.value("color");
        settings.version.set(2);
        CachingServices.clear();
        assertThat(settings.value("color")).isEqualTo("color v2");
        assertThat(reloads).isEmpty();
    }

    @Test
    void theFirstCallOfAKeyLoadsSynchronously() {
        assertThat(settings.value("size")).isEqualTo("size v1");
        assertThat(reloads).isEmpty();
    }
}
