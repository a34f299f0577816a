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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Auto-reload: an entry that expired keeps being served, for at most one more expiration period (its fail-safe
 * period), while one background reload runs; once the reload is stored, the new value is served. An invalidated entry
 * is never served: after an invalidation callers wait for the new value. The test owns the reload executor and runs
 * its tasks by hand, on a fake clock.
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
        volatile boolean deleted;
        volatile Runnable duringLoad = () -> { };

        @Cached(autoReload = true, absoluteExpiration = "1m", dependsOn = "settings")
        String value(String name) {
            bodies.incrementAndGet();
            if (deleted) {
                throw new IllegalStateException("no setting " + name);
            }
            String v = name + " v" + version.get();
            duringLoad.run();
            return v;
        }

        /** A cached caller of an auto-reloaded method. */
        @Cached(absoluteExpiration = "10m")
        String page(String name) {
            return "page of " + value(name);
        }
    }

    private final Settings settings = new Settings();

    /**
     * Issue 19, case 1: auto-reload used to keep serving the value remembered before the invalidation while it
     * reloaded, from a second store that invalidations did not reach. Fails without the fix ("color v1").
     */
    @Test
    void anInvalidatedEntryIsNeverServedCallersWaitForTheNewValue() {
        assertThat(settings.value("color")).isEqualTo("color v1");
        settings.version.set(2);
        CachingServices.invalidateDependency("settings");
        assertThat(settings.value("color")).isEqualTo("color v2");
        assertThat(reloads).as("no background reload after an invalidation").isEmpty();
        assertThat(settings.bodies.get()).isEqualTo(2);
    }

    /** Issue 19, case 1: the old value was served forever once the reload threw (the row was deleted). */
    @Test
    void anInvalidatedEntryWhoseReloadThrowsGivesTheExceptionNotTheOldValue() {
        settings.value("color");
        settings.deleted = true;
        CachingServices.invalidateDependency("settings");
        assertThatThrownBy(() -> settings.value("color")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> settings.value("color")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anExpiredEntryIsServedWhileOneBackgroundReloadRuns() {
        long staleBefore = CachingServices.statistics().total().staleServed();
        settings.value("color");
        settings.version.set(2);
        cache.ticker.advance(Duration.ofSeconds(90));
        assertThat(settings.value("color")).isEqualTo("color v1");
        assertThat(settings.value("color")).isEqualTo("color v1");
        assertThat(reloads).as("one reload for the key, however many calls").hasSize(1);
        reloads.poll().run();
        assertThat(settings.value("color")).isEqualTo("color v2");
        assertThat(settings.bodies.get()).isEqualTo(2);
        assertThat(CachingServices.statistics().total().staleServed() - staleBefore).isEqualTo(2);
    }

    @Test
    void anExpiredEntryIsNotServedPastOneMoreExpirationPeriod() {
        settings.value("color");
        settings.version.set(2);
        cache.ticker.advance(Duration.ofMinutes(2));
        assertThat(settings.value("color")).isEqualTo("color v2");
        assertThat(reloads).isEmpty();
    }

    @Test
    void aReloadInvalidatedWhileItRunsIsNotStoredAndTheNextCallLoadsAgain() {
        settings.value("color");
        settings.version.set(2);
        cache.ticker.advance(Duration.ofSeconds(90));
        assertThat(settings.value("color")).isEqualTo("color v1");
        settings.duringLoad = () -> {
            settings.version.set(3);
            CachingServices.invalidateDependency("settings");
        };
        reloads.poll().run();
        settings.duringLoad = () -> { };
        assertThat(settings.value("color")).as("the reload read v2, but was invalidated meanwhile").isEqualTo("color v3");
    }

    @Test
    void aFailingReloadKeepsServingTheExpiredValueUntilItsFailSafePeriodEnds() {
        settings.value("color");
        settings.deleted = true;
        cache.ticker.advance(Duration.ofSeconds(70));
        assertThat(settings.value("color")).isEqualTo("color v1");
        reloads.poll().run();
        assertThat(settings.value("color")).isEqualTo("color v1");
        reloads.poll().run();
        cache.ticker.advance(Duration.ofSeconds(60));
        assertThatThrownBy(() -> settings.value("color")).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Issue 19, case 1: a nested cached caller stored the stale value with its dependencies, so it outlived the
     * reload. A result built on an expired value is returned, not stored.
     */
    @Test
    void aCachedCallerOfAnExpiredValueDoesNotStoreWhatItBuilt() {
        assertThat(settings.page("color")).isEqualTo("page of color v1");
        CachingServices.invalidate(() -> settings.page("color"));
        settings.version.set(2);
        cache.ticker.advance(Duration.ofSeconds(90));
        assertThat(settings.page("color")).as("built on the expired value").isEqualTo("page of color v1");
        reloads.poll().run();
        assertThat(settings.page("color")).isEqualTo("page of color v2");
    }

    @Test
    void anExplicitClearLeavesNothingToServe() {
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
