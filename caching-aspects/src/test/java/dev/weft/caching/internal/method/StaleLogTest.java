package dev.weft.caching.internal.method;

import ch.qos.logback.classic.Level;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expired values a method serves are logged at WARN at most once per method per minute, with the counts since the
 * last line by reason; each one, with its key, only at DEBUG.
 */
class StaleLogTest {

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StaleLog stale = new StaleLog("ProductService.getPrice(long)", now::get);
    private final ItemKey key = ItemKey.of("ProductService.getPrice(42L)");

    private List<LogRecorder.Line> warnings() {
        return log.lines().stream().filter(l -> l.level() == Level.WARN).toList();
    }

    @Test
    void theFirstExpiredValueIsLoggedAtOnceThenAtMostOneLineAMinuteWithTheCountsSinceTheLastLine() {
        stale.served(StaleReason.FAIL_SAFE, key);
        assertThat(warnings()).singleElement().extracting(LogRecorder.Line::text).asString()
                .startsWith("ProductService.getPrice(long): served expired values: 0 while auto-reloading, 1 because "
                        + "the reload failed (fail-safe), 0 because the reload was slower than the soft timeout");

        stale.served(StaleReason.AUTO_RELOAD, key);
        stale.served(StaleReason.SOFT_TIMEOUT, key);
        now.addAndGet(TimeUnit.SECONDS.toNanos(59));
        stale.served(StaleReason.SOFT_TIMEOUT, key);
        assertThat(warnings()).as("within the minute: no second line").hasSize(1);

        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        stale.served(StaleReason.FAIL_SAFE, key);
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(1).text()).as("everything served since the first line, by reason")
                .contains("served expired values: 1 while auto-reloading, 1 because the reload failed (fail-safe), "
                        + "2 because the reload was slower than the soft timeout");

        now.addAndGet(TimeUnit.SECONDS.toNanos(30));
        stale.served(StaleReason.FAIL_SAFE, key);
        assertThat(warnings()).as("the minute counts from the last line").hasSize(2);
    }

    @Test
    void eachExpiredValueIsAtDebugWithItsKeyAndTheWarningsNeverNameAKey() {
        stale.served(StaleReason.FAIL_SAFE, key);
        stale.served(StaleReason.AUTO_RELOAD, key);

        assertThat(log.lines().stream().filter(l -> l.level() == Level.DEBUG).map(LogRecorder.Line::text))
                .containsExactly(
                        "ProductService.getPrice(long): served an expired value of ProductService.getPrice(42L) "
                                + "(FAIL_SAFE)",
                        "ProductService.getPrice(long): served an expired value of ProductService.getPrice(42L) "
                                + "(AUTO_RELOAD)");
        assertThat(warnings()).allSatisfy(w -> assertThat(w.text()).doesNotContain("42"));
    }
}
