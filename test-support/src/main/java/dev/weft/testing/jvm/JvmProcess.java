package dev.weft.testing.jvm;

import dev.weft.testing.process.LineTail;
import dev.weft.testing.process.ProcessReaper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A running child JVM, driven over a line protocol: the parent {@link #send sends} lines to the child's stdin and
 * waits for lines on its stdout ({@link #nextLine}, {@link #expectLine}, {@link #awaitLine}, {@link #request}).
 * The child's stderr is captured (kept in memory, written to {@link #stderrLog()}) and quoted in every failure.
 * Started by {@link JvmLauncher}; the child side is usually a {@link ChildChannel}.
 *
 * <p><b>Failure behaviour.</b> Every wait is bounded by the timeout it is given. If the child exits (or closes its
 * stdout) while the parent waits, the wait fails at once with a {@link JvmProcessException} saying so, with the
 * exit code and the stderr tail; on timeout the exception says the child still runs and shows what it printed.
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. Reads are serialized: concurrent readers
 * each get distinct lines. Lines skipped by {@code expectLine}/{@code awaitLine} are consumed (they still show in
 * failure messages). {@link #close()} is idempotent; a child still running when the JVM exits - even by a crash -
 * is killed (see {@code ProcessReaper}).
 */
public final class JvmProcess implements AutoCloseable {

    private static final Object EOF = new Object();
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    private static final int STDERR_LINES_IN_MESSAGES = 40;

    private final String name;
    private final String mainClass;
    private final Process process;
    private final Duration closeGracePeriod;
    private final ProcessReaper.Registration registration;
    private final Path stderrLog;
    private final Writer stdin;
    private final LinkedBlockingDeque<Object> stdoutLines = new LinkedBlockingDeque<>();
    private final LineTail stdoutTail = new LineTail(30);
    private final LineTail stderrTail = new LineTail(500);
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private final Object closeLock = new Object();
    private boolean closed;

    JvmProcess(String name, String mainClass, Process process, Path stderrLog, boolean echoStderr,
               Duration closeGracePeriod) {
        this.name = name;
        this.mainClass = mainClass;
        this.process = process;
        this.stderrLog = stderrLog;
        this.closeGracePeriod = closeGracePeriod;
        this.registration = ProcessReaper.register(process, "child JVM '" + name + "' (" + mainClass + ")");
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdoutReader = daemon("stdout", this::pumpStdout);
        this.stderrReader = daemon("stderr", () -> pumpStderr(echoStderr));
        stdoutReader.start();
        stderrReader.start();
    }

    /** The name given at launch (used in thread names, log file names and messages). */
    public String name() {
        return name;
    }

    /** The child's pid. */
    public long pid() {
        return process.pid();
    }

    /** The child's process handle (e.g. to kill it without the tree-wide cleanup {@link #kill()} does). */
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    /** Whether the child is alive. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file that receives everything the child writes to stderr. */
    public Path stderrLog() {
        return stderrLog;
    }

    /** The last lines (up to 500) the child wrote to stderr so far. */
    public List<String> stderrLines() {
        return stderrTail.lines();
    }

    /**
     * Writes one line to the child's stdin.
     *
     * @throws IllegalArgumentException if {@code line} contains a line break
     * @throws JvmProcessException if the child is gone
     */
    public void send(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a protocol line cannot contain a line break: " + line);
        }
        synchronized (writeLock) {
            try {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw failure("could not send \"" + line + "\" (" + e.getMessage() + ")", null, e);
            }
        }
    }

    /**
     * Returns the next line the child prints, waiting at most {@code timeout}.
     *
     * @throws JvmProcessException on timeout or if the child's stdout ends first
     */
    public String nextLine(Duration timeout) {
        return expectLine(line -> true, "a line", timeout);
    }

    /**
     * Consumes lines until one satisfies {@code condition} and returns it.
     *
     * @throws JvmProcessException on timeout or if the child's stdout ends first
     */
    public String expectLine(Predicate<String> condition, Duration timeout) {
        return expectLine(condition, "a line matching the given condition", timeout);
    }

    /**
     * Consumes lines until one matches {@code regex} entirely and returns the match (for its groups), e.g.
     * {@code expectLine("PORT (\\d+)", timeout).group(1)}.
     */
    public MatchResult expectLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        String line = expectLine(l -> pattern.matcher(l).matches(), "a line matching /" + regex + "/", timeout);
        Matcher matcher = pattern.matcher(line);
        if (!matcher.matches()) {
            throw new AssertionError("unreachable: " + line);
        }
        return matcher.toMatchResult();
    }

    /** Consumes lines until one starts with {@code prefix} and returns that whole line. */
    public String awaitLine(String prefix, Duration timeout) {
        return expectLine(line -> line.startsWith(prefix), "a line starting with \"" + prefix + "\"", timeout);
    }

    /** Waits for the child's {@link ChildChannel#READY} line. */
    public JvmProcess awaitReady(Duration timeout) {
        awaitLine(ChildChannel.READY, timeout);
        return this;
    }

    /**
     * Sends {@code command} and returns the next line (the reply, with {@link ChildChannel}'s serve loop).
     *
     * @throws JvmProcessException if the reply is a {@link ChildChannel#ERROR_PREFIX} line, on timeout, or if the
     *                             child dies
     */
    public String request(String command, Duration timeout) {
        synchronized (readLock) {
            send(command);
            String reply = expectLine(line -> true, "the reply to \"" + command + "\"", timeout);
            if (reply.startsWith(ChildChannel.ERROR_PREFIX)) {
                // stdout and stderr are separate pipes: wait until the child's report of this failure (which it
                // writes to stderr before replying) has arrived, so the message can quote the stack trace.
                String marker = ChildChannel.failureReportEnd(reply);
                stderrTail.awaitMatch(marker::equals, DRAIN_TIMEOUT);
                throw failure("answered \"" + command + "\" with: " + reply, null, null);
            }
            return reply;
        }
    }

    /**
     * Waits for the child to exit and returns its exit code.
     *
     * @throws JvmProcessException if it still runs after {@code timeout}
     */
    public int exitCode(Duration timeout) {
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for it to exit", timeout, e);
        }
        throw failure("did not exit", timeout, null);
    }

    /** SIGKILLs the child and its descendants and waits (bounded) until they are gone. */
    public void kill() {
        ProcessReaper.killTree(process.toHandle(), EXIT_TIMEOUT);
        drainReaders();
        registration.close();
    }

    /**
     * Ends the child: SIGTERM (its shutdown hooks run), SIGKILL after the grace period set at launch (default 5
     * s), and kills whatever it started that is still alive. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(closeGracePeriod.toNanos(), TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(EXIT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        // Orphans of the child (say, a redis-server it did not stop) are no longer its descendants once it died.
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        ProcessReaper.awaitExit(descendants, EXIT_TIMEOUT);
        synchronized (writeLock) {
            try {
                stdin.close();
            } catch (IOException alreadyGone) {
                // The child is dead; its end of the pipe is closed already.
            }
        }
        drainReaders();
        registration.close();
    }

    @Override
    public String toString() {
        return describe();
    }

    private String expectLine(Predicate<String> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (readLock) {
            while (true) {
                Object item;
                try {
                    item = stdoutLines.pollFirst(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted while waiting for " + what, timeout, e);
                }
                if (item == null) {
                    throw failure("did not print " + what, timeout, null);
                }
                if (item == EOF) {
                    stdoutLines.addFirst(EOF); // every later wait must fail the same way
                    throw failure("closed its stdout before printing " + what, null, null);
                }
                String line = (String) item;
                if (condition.test(line)) {
                    return line;
                }
            }
        }
    }

    private void pumpStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                stdoutTail.add(line);
                stdoutLines.addLast(line);
            }
        } catch (IOException closedByKill) {
            // The stream ends either way; EOF below tells the waiters.
        } finally {
            stdoutLines.addLast(EOF);
        }
    }

    private void pumpStderr(boolean echo) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(stderrLog, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                stderrTail.add(line);
                log.write(line);
                log.write('\n');
                log.flush(); // so the file is complete when someone reads it after a failure
                if (echo) {
                    System.err.println("[" + name + "] " + line);
                }
            }
        } catch (IOException closedByKill) {
            // Nothing more to capture.
        }
    }

    private Thread daemon(String stream, Runnable body) {
        Thread thread = new Thread(body, "weft-jvm-" + name + "-" + stream);
        thread.setDaemon(true);
        return thread;
    }

    /** Joins the reader threads (bounded) so that tails are complete before they are quoted. */
    private void drainReaders() {
        try {
            stdoutReader.join(DRAIN_TIMEOUT.toMillis());
            stderrReader.join(DRAIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String describe() {
        return "child JVM '" + name + "' (pid " + process.pid() + ", main " + mainClass + ")";
    }

    private JvmProcessException failure(String what, Duration waited, Throwable cause) {
        // A closed stdout or a broken pipe usually means the child is dying: give it a moment to finish, so the
        // message can state its exit code and quote its last words. A plain timeout reports the live child as is.
        if (process.isAlive() && (cause != null || stdoutLines.peekFirst() == EOF)) {
            try {
                process.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String state;
        if (process.isAlive()) {
            state = "is still running";
        } else {
            drainReaders();
            state = "has exited with code " + process.exitValue();
        }
        StringBuilder message = new StringBuilder(describe()).append(' ').append(what);
        if (waited != null) {
            message.append(" within ").append(waited.toMillis()).append(" ms");
        }
        message.append("; it ").append(state).append('.')
                .append("\n  recent stdout:\n").append(stdoutTail.format("    "))
                .append("\n  stderr (").append(stderrLog).append("):\n")
                .append(stderrTail.format("    ", STDERR_LINES_IN_MESSAGES));
        return new JvmProcessException(message.toString(), cause);
    }
}
