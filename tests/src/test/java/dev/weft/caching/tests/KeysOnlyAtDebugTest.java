package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14, case 7, "keys only at DEBUG", on the load path: keys carry argument values (personal data), so a stale
 * value served, a failed load or reload, or a result not stored because it was invalidated meanwhile logs no key at
 * INFO, WARN or ERROR; at DEBUG the key is there. Every log event of Weft is recorded with its level. (The invalidation paths: caching-aspects' KeysOnlyAtDebugTest.)
 */
class KeysOnlyAtDebugTest {

    static final String MARKER = "PERSONAL-4711";

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    @AfterEach
    void noKeyAboveDebug() {
        CachingServices.setReloadExecutor(Runnable::run);
        assertThat(log.atInfoOrAbove()).as("no INFO/WARN/ERROR line shows a key").noneMatch(l -> l.text()
                .contains(MARKER));
        assertThat(log.belowInfo()).as("at DEBUG the key is there: the recording is not blind")
                .anyMatch(l -> l.text().contains(MARKER));
    }

    static class Customers {
        volatile boolean down;
        volatile Runnable duringLoad = () -> { };
        volatile CountDownLatch gate;

        @Cached(absoluteExpiration = "1m", failSafe = "1h", dependsOn = "customer:{id}")
        String failSafe(String id) {
            return load(id);
        }

        @Cached(absoluteExpiration = "100s", eagerRefresh = "50%", dependsOn = "customer:{id}")
        String eager(String id) {
            return load(id);
        }

        private String load(String id) {
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            duringLoad.run();
            if (down) {
                throw new IllegalStateException("the directory is down");
            }
            return "customer " + id;
        }
    }

    private final Customers customers = new Customers();

    @Test
    void aStaleValueServedAndAFailedLoadLogNoKey() {
        customers.failSafe(MARKER);
        cache.ticker.advance(Duration.ofMinutes(2));
        customers.down = true;
        assertThat(customers.failSafe(MARKER)).as("fail-safe").isEqualTo("customer " + MARKER);
        CachingServices.invalidateDependency("customer:" + MARKER);
        assertThatThrownBy(() -> customers.failSafe(MARKER)).isInstanceOf(IllegalStateException.class);
        assertThat(log.atInfoOrAbove()).as("the stale value served was logged")
                .anyMatch(l -> l.text().contains("served expired values"));
    }

    @Test
    void aFailedBackgroundReloadLogsNoKey() {
        customers.eager(MARKER);
        cache.ticker.advance(Duration.ofSeconds(60));
        customers.down = true;
        assertThat(customers.eager(MARKER)).as("the current value; the reload fails").isEqualTo("customer " + MARKER);
    }

    @Test
    void aResultInvalidatedWhileItLoadedLogsNoKey() {
        long prevented = CachingServices.statistics().total().staleWriteBacksPrevented();
        customers.duringLoad = () -> CachingServices.invalidateDependency("customer:" + MARKER);
        customers.failSafe(MARKER);
        customers.duringLoad = () -> { };
        assertThat(CachingServices.statistics().total().staleWriteBacksPrevented() - prevented).isEqualTo(1);
    }
}
