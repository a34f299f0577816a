package dev.weft.testing.redis;

import dev.weft.testing.net.FreePorts;
import dev.weft.testing.process.LineTail;
import dev.weft.testing.process.ProcessReaper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process life cycle shared by {@link RedisServerProcess} and {@link RedisSentinelProcess}: choose a port,
 * write the config, launch, wait until the process itself answers, kill/stop and wait until the port is free,
 * restart on the same port.
 *
 * <p>Thread-safe: life-cycle methods are serialized on one lock; {@link #isRunning()} and {@link #port()} read
 * volatile state without it. Every wait is bounded; failures are {@link RedisProcessException}s that carry the
 * log tail.
 */
final class RedisProcessRunner {

    /** Authenticates a fresh connection (no-op when the server needs no credentials). */
    interface Session {
        void authenticate(RespConnection connection) throws IOException, RespConnection.ErrorReply;
    }

    /** Returns null when the process is ready, or why it is not yet. Runtime exceptions abort the start. */
    interface Readiness {
        String notReadyBecause(RespConnection connection) throws IOException, RespConnection.ErrorReply;
    }

    private enum Outcome { READY, PORT_TAKEN }

    private static final Logger LOG = LoggerFactory.getLogger(RedisProcessRunner.class);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_PORT_CONFLICTS = 5;
    private static final Pattern PROCESS_ID = Pattern.compile("(?m)^process_id:(\\d+)");

    private final String kind;
    private final RedisBinary binary;
    private final Path configFile;
    private final Path logFile;
    private final IntFunction<RedisConfig> config;
    private final List<String> extraArgs;
    private final SSLContext tls;
    private final Session session;
    private final Readiness readiness;
    private final Duration startupTimeout;
    private final Object lock = new Object();

    private volatile Process process;
    private volatile int port;
    private ProcessReaper.Registration registration;
    private boolean portFixed;
    private boolean closed;
    private long logOffset;

    RedisProcessRunner(String kind, RedisBinary binary, Path workDir, int port, IntFunction<RedisConfig> config,
                       List<String> extraArgs, SSLContext tls, Session session, Readiness readiness,
                       Duration startupTimeout) {
        this.kind = kind;
        this.binary = binary;
        this.configFile = workDir.resolve(kind + ".conf");
        this.logFile = workDir.resolve(kind + ".log");
        this.config = config;
        this.extraArgs = List.copyOf(extraArgs);
        this.tls = tls;
        this.session = session;
        this.readiness = readiness;
        this.startupTimeout = startupTimeout;
        this.port = port;
        this.portFixed = port != 0;
    }

    int port() {
        return port;
    }

    boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    long pid() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(kind + " on 127.0.0.1:" + port + " is not running");
        }
        return current.pid();
    }

    Path logFile() {
        return logFile;
    }

    Path configFile() {
        return configFile;
    }

    RedisBinary binary() {
        return binary;
    }

    /** Starts the process unless it runs already. The first start picks the port; later ones reuse it. */
    void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException(kind + " on 127.0.0.1:" + port + " is closed");
            }
            if (isRunning()) {
                return;
            }
            long started = System.nanoTime();
            long deadline = started + startupTimeout.toNanos();
            int conflicts = 0;
            while (true) {
                if (!portFixed && (port == 0 || conflicts > 0)) {
                    port = FreePorts.findFreePort();
                }
                if (portFixed) {
                    awaitPortFree(deadline);
                }
                if (launchAndAwaitReady(deadline) == Outcome.READY) {
                    // From now on the port is this process' identity: restarts must come back on it.
                    portFixed = true;
                    LOG.info("{} {} (pid {}) ready on 127.0.0.1:{} after {} ms; log: {}", kind, binary.version(),
                            process.pid(), port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                            logFile);
                    return;
                }
                conflicts++;
                if (!portFixed && conflicts >= MAX_PORT_CONFLICTS) {
                    throw failure("could not start: lost the race for a free port " + conflicts + " times in a row",
                            null);
                }
                if (portFixed && System.nanoTime() - deadline > 0) {
                    throw failure("could not start: the port stayed taken for " + startupTimeout, null);
                }
                LOG.debug("{}: 127.0.0.1:{} was taken when it tried to bind; retrying", kind, port);
            }
        }
    }

    /** SIGKILL, then waits until it has exited and its port is free. No-op when not running. */
    void kill() {
        synchronized (lock) {
            Process current = process;
            if (current == null) {
                return;
            }
            if (!ProcessReaper.killTree(current.toHandle(), EXIT_TIMEOUT)) {
                throw failure("was still alive " + EXIT_TIMEOUT + " after SIGKILL", null);
            }
            afterExit(current);
            awaitPortFree(System.nanoTime() + EXIT_TIMEOUT.toNanos());
        }
    }

    /** SIGTERM (a clean shutdown; nothing is persisted), SIGKILL if that takes too long; then as {@link #kill}. */
    void stop() {
        synchronized (lock) {
            Process current = process;
            if (current == null) {
                return;
            }
            current.destroy();
            try {
                if (!current.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("{} on 127.0.0.1:{} ignored SIGTERM for {}; killing it", kind, port, EXIT_TIMEOUT);
                    kill();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                return;
            }
            afterExit(current);
            awaitPortFree(System.nanoTime() + EXIT_TIMEOUT.toNanos());
        }
    }

    /** Stops (gracefully) if running, then starts again on the same port. */
    void restart() {
        synchronized (lock) {
            stop();
            start();
        }
    }

    /** Stops the process and refuses further starts. Idempotent. */
    void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            stop();
        }
    }

    /**
     * Runs one command on a fresh, authenticated connection.
     *
     * @throws RedisProcessException if the process does not run, the connection fails or the reply is an error
     */
    Object call(String... command) {
        if (!isRunning()) {
            throw new RedisProcessException(kind + " on 127.0.0.1:" + port + " is not running; cannot run "
                    + command[0]);
        }
        try (RespConnection connection = RespConnection.open(port, tls, PROBE_TIMEOUT)) {
            session.authenticate(connection);
            return connection.call(command);
        } catch (IOException e) {
            throw new RedisProcessException(kind + " on 127.0.0.1:" + port + ": " + command[0] + " failed: " + e, e);
        } catch (RespConnection.ErrorReply e) {
            throw new RedisProcessException(kind + " on 127.0.0.1:" + port + " replied to " + command[0] + ": "
                    + e.getMessage(), e);
        }
    }

    /** The last lines of the log (all starts). */
    String logTail(int lines) {
        return LineTail.ofFile(logFile, 0, lines, "");
    }

    private Outcome launchAndAwaitReady(long deadline) {
        Process started = launch();
        String lastProblem = "no answer yet";
        long pauseMillis = 2;
        while (true) {
            if (!started.isAlive()) {
                int code = exitCode(started);
                afterExit(started);
                if (logSinceLaunch().contains("Address already in use")) {
                    return Outcome.PORT_TAKEN;
                }
                throw failure("exited with code " + code + " before answering", null);
            }
            try (RespConnection connection = RespConnection.open(port, tls, PROBE_TIMEOUT)) {
                session.authenticate(connection);
                String notReady = readiness.notReadyBecause(connection);
                if (notReady == null) {
                    long answering = serverPid(connection);
                    if (answering == started.pid()) {
                        return Outcome.READY;
                    }
                    // Another server grabbed the port between our check and our bind; ours is about to exit
                    // with "Address already in use", which the next turn of the loop sees.
                    lastProblem = "127.0.0.1:" + port + " is answered by another process (pid " + answering + ")";
                } else {
                    lastProblem = notReady;
                }
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (RespConnection.ErrorReply e) {
                lastProblem = "error reply: " + e.getMessage();
            } catch (RuntimeException e) {
                killQuietly(started);
                throw failure("failed its readiness check: " + e, e);
            }
            if (System.nanoTime() - deadline > 0) {
                killQuietly(started);
                throw failure("was not ready within " + startupTimeout + " (last problem: " + lastProblem + ")", null);
            }
            // A bounded poll: the process gives no other signal that it listens.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    private Process launch() {
        List<String> command = new ArrayList<>();
        command.add(binary.path().toString());
        command.add(configFile.toString());
        command.addAll(extraArgs);
        try {
            Files.writeString(configFile, config.apply(port).render(), StandardCharsets.UTF_8);
            logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "### weft: " + Instant.now() + " starting " + String.join(" ", command)
                    + " for 127.0.0.1:" + port + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process started = new ProcessBuilder(command)
                    .directory(configFile.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            started.getOutputStream().close();
            registration = ProcessReaper.register(started, kind + " on 127.0.0.1:" + port);
            process = started;
            return started;
        } catch (IOException e) {
            throw failure("could not be launched: " + e, e);
        }
    }

    private static long serverPid(RespConnection connection) throws IOException, RespConnection.ErrorReply {
        Object info = connection.call("INFO", "server");
        Matcher matcher = PROCESS_ID.matcher(String.valueOf(info));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private void awaitPortFree(long deadline) {
        try {
            FreePorts.awaitFree(port, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (IllegalStateException e) {
            throw failure("cannot use its port: " + e.getMessage(), null);
        }
    }

    private void afterExit(Process exited) {
        if (registration != null) {
            registration.close();
            registration = null;
        }
        if (process == exited) {
            process = null;
        }
    }

    private void killQuietly(Process started) {
        ProcessReaper.killTree(started.toHandle(), EXIT_TIMEOUT);
        afterExit(started);
    }

    private static int exitCode(Process exited) {
        try {
            return exited.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String logSinceLaunch() {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RedisProcessException failure(String what, Throwable cause) {
        return new RedisProcessException(kind + " on 127.0.0.1:" + port + " " + what
                + "\n  binary: " + binary
                + "\n  config: " + configFile
                + "\n  log:    " + logFile
                + "\n  last log lines of this start:\n" + LineTail.ofFile(logFile, logOffset, 30, "    "), cause);
    }
}
