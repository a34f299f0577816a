package dev.weft.caching.tests;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records every log event of Weft's loggers ({@code dev.weft}), DEBUG included, with everything a reader of the log
 * would see: the formatted message and, for an exception, its class and message, its causes' and its suppressed
 * ones'. The console keeps showing INFO and above only (logback-test.xml).
 */
final class LogRecorder extends AppenderBase<ILoggingEvent> implements BeforeEachCallback, AfterEachCallback {

    /** One recorded event: its level, its logger and all of its text. */
    public record Line(Level level, String logger, String text) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + text;
        }
    }

    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
    private final Logger weft = (Logger) LoggerFactory.getLogger("dev.weft");
    private Level previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        previous = weft.getLevel();
        weft.setLevel(Level.DEBUG);
        setContext(weft.getLoggerContext());
        start();
        weft.addAppender(this);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        weft.detachAppender(this);
        stop();
        weft.setLevel(previous);
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        appendThrowable(event.getThrowableProxy(), text, 0);
        lines.add(new Line(event.getLevel(), event.getLoggerName(), text.toString()));
    }

    private static void appendThrowable(IThrowableProxy t, StringBuilder text, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        appendThrowable(t.getCause(), text, depth + 1);
        for (IThrowableProxy s : t.getSuppressed()) {
            appendThrowable(s, text, depth + 1);
        }
    }

    /** Everything recorded so far. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines at INFO or above. */
    public List<Line> atInfoOrAbove() {
        return lines.stream().filter(l -> l.level().isGreaterOrEqual(Level.INFO)).toList();
    }

    /** The lines at DEBUG or below. */
    public List<Line> belowInfo() {
        return lines.stream().filter(l -> !l.level().isGreaterOrEqual(Level.INFO)).toList();
    }
}
