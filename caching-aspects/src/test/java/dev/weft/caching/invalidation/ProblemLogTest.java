package dev.weft.caching.invalidation;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 14, case 7: WARN/ERROR lines were not rate-limited; now one line per kind of problem per interval. */
class ProblemLogTest {

    /** Every line logged, as "LEVEL message", with the throwable's class when there is one. */
    static final class CapturingLogger extends LegacyAbstractLogger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments)
                    + (throwable == null ? "" : " | " + throwable.getClass().getSimpleName()));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        long count(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    /**
     * On the test's clock: the flood used to run on the system's, and a machine busy for 200 ms in the middle of it
     * saw two WARN lines.
     */
    @Test
    void aFloodOfOneKindGivesOneLineThenOneWithTheCountAfterTheInterval() {
        CapturingLogger logger = new CapturingLogger();
        AtomicLong now = new AtomicLong();
        ProblemLog problems = new ProblemLog(logger, TimeUnit.MILLISECONDS.toNanos(200), now::get);
        for (int i = 0; i < 1_000; i++) {
            now.addAndGet(TimeUnit.MICROSECONDS.toNanos(100));
            problems.warn("malformed", "ignored a malformed message ({} bytes)", i);
        }
        assertThat(logger.count("WARN")).isEqualTo(1);
        assertThat(logger.lines.get(0)).isEqualTo("WARN ignored a malformed message (0 bytes)");
        assertThat(logger.count("DEBUG")).as("the rest at DEBUG").isEqualTo(999);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        problems.warn("malformed", "ignored a malformed message ({} bytes)", 7);
        assertThat(logger.lines.stream().filter(l -> l.startsWith("WARN")).skip(1).findFirst().orElseThrow())
                .isEqualTo("WARN ignored a malformed message (7 bytes) [999 more like this since the last such line]");
    }

    @Test
    void kindsAreLimitedSeparatelyAndAThrowableStaysLast() {
        CapturingLogger logger = new CapturingLogger();
        ProblemLog problems = new ProblemLog(logger, TimeUnit.HOURS.toNanos(1));
        problems.warn("gap", "lost {}", 1);
        problems.error("unknown-version", "version {}", 9, new IllegalStateException("boom"));
        problems.warn("gap", "lost {}", 2);
        assertThat(logger.count("WARN")).isEqualTo(1);
        assertThat(logger.count("ERROR")).isEqualTo(1);
        assertThat(logger.lines).contains("ERROR version 9 | IllegalStateException");
    }

    /** An interval is exact: a line of a kind held back just before it ends, logged again as it ends. */
    @Test
    void aKindIsLoggedAgainExactlyOneIntervalAfterItsLastLine() {
        CapturingLogger logger = new CapturingLogger();
        AtomicLong now = new AtomicLong(1_000);
        ProblemLog problems = new ProblemLog(logger, 100, now::get);
        problems.warn("gap", "lost {}", 1);
        now.set(1_099);
        problems.warn("gap", "lost {}", 2);
        now.set(1_100);
        problems.warn("gap", "lost {}", 3);
        assertThat(logger.lines).containsExactly("WARN lost 1", "DEBUG lost 2",
                "WARN lost 3 [1 more like this since the last such line]");
    }

    /** The count of lines held back goes into the message, also for a message without arguments or with a throwable. */
    @Test
    void theCountOfLinesHeldBackFitsMessagesWithoutArgumentsAndKeepsTheThrowableLast() {
        CapturingLogger logger = new CapturingLogger();
        AtomicLong now = new AtomicLong();
        ProblemLog problems = new ProblemLog(logger, 100, now::get);
        problems.warn("closed", "the sender is closed");
        problems.warn("closed", "the sender is closed");
        problems.error("failed", "failed {}", "x", new IllegalStateException("boom"));
        problems.error("failed", "failed {}", "y", new IllegalStateException("boom"));
        problems.error("failed", "failed {}", "z", new IllegalStateException("boom"));
        now.set(100);
        problems.warn("closed", "the sender is closed");
        problems.error("failed", "failed {}", "w", new IllegalStateException("boom"));
        assertThat(logger.lines).containsSubsequence(
                "WARN the sender is closed [1 more like this since the last such line]",
                "ERROR failed w [2 more like this since the last such line] | IllegalStateException");
    }
}
