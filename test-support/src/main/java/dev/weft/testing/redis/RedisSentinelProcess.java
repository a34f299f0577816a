package dev.weft.testing.redis;

import dev.weft.testing.process.TestDirectories;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real Redis Sentinel ({@code redis-server sentinel.conf --sentinel}) on 127.0.0.1 monitoring one
 * {@link RedisServerProcess} (and, if told, its replicas) under a master name ({@value #DEFAULT_MASTER_NAME} by
 * default), with quorum 1.
 *
 * <pre>{@code
 * try (RedisServerProcess master = RedisServerProcess.start();
 *      RedisSentinelProcess sentinel = RedisSentinelProcess.start(master)) {
 *     RedisClient client = RedisClient.create(sentinel.uri());   // redis-sentinel://127.0.0.1:PORT#mymaster
 * }
 * }</pre>
 *
 * <p><b>Contract.</b> Starting returns once the sentinel answers {@code PING}, reports the master's address for
 * {@code SENTINEL get-master-addr-by-name}, is connected to the master (its flags no longer say
 * {@code disconnected}) and has had an {@code INFO} reply from it (so it authenticated, if the master needs it):
 * a client resolving the master through it succeeds at once. The master must therefore
 * be running when the sentinel (re)starts. The sentinel passes the master's credentials on ({@code auth-pass},
 * {@code auth-user}); it needs none itself. A TLS master is not supported. With a single master and no replica
 * there is never a failover: killing the master only makes the sentinel report it down.
 *
 * <p><b>Failover.</b> Start a replica ({@link RedisServerProcess.Builder#replicaOf}) and name it to the builder
 * ({@link Builder#replica}): starting then also waits until the sentinel has discovered it. Quorum 1 and one
 * sentinel suffice for a failover (the sentinel is the majority of one that elects the leader). After
 * {@link Builder#downAfter} without an answer from the master, the sentinel promotes the replica;
 * {@link #masterAddress()} then names the replica, which {@link RedisServerProcess#role()} reports as master.
 * {@link #restart()} expects the original master to be the master again.
 *
 * <p>Life cycle, failure reporting, thread-safety and cleanup are those of {@link RedisServerProcess}.
 */
public final class RedisSentinelProcess implements AutoCloseable {

    /** The master name used unless the builder says otherwise. */
    public static final String DEFAULT_MASTER_NAME = "mymaster";

    private final RedisServerProcess master;
    private final String masterName;
    private final List<RedisServerProcess> replicas;
    private final RedisProcessRunner runner;

    private RedisSentinelProcess(Builder builder, RedisBinary binary) {
        this.master = builder.master;
        this.masterName = builder.masterName;
        this.replicas = List.copyOf(builder.replicas);
        Path workDir = TestDirectories.newDirectory("redis", "sentinel");
        this.runner = new RedisProcessRunner("redis-sentinel", binary, workDir, builder.port,
                port -> config(workDir, port, builder.downAfter, builder.failoverTimeout), List.of("--sentinel"), null,
                connection -> { }, this::notReadyBecause, builder.startupTimeout);
    }

    /** Starts a sentinel on a free port monitoring {@code master} as {@value #DEFAULT_MASTER_NAME}. */
    public static RedisSentinelProcess start(RedisServerProcess master) {
        return builder(master).start();
    }

    /** A builder for a sentinel monitoring {@code master}. */
    public static Builder builder(RedisServerProcess master) {
        return new Builder(master);
    }

    /** The sentinel's port; fixed for the life of this object. */
    public int port() {
        return runner.port();
    }

    /** The name the master is monitored under. */
    public String masterName() {
        return masterName;
    }

    /** The monitored server: the master it was started with, whatever a failover made of it since. */
    public RedisServerProcess master() {
        return master;
    }

    /**
     * A Lettuce sentinel URI, {@code redis-sentinel://127.0.0.1:PORT#masterName}. Carries no credentials: when
     * the master needs some, build the {@code RedisURI} with them.
     */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + port() + "#" + masterName;
    }

    /**
     * The master address the sentinel reports now ({@code SENTINEL get-master-addr-by-name}).
     *
     * @throws RedisProcessException if the sentinel does not run or knows no such master
     */
    public InetSocketAddress masterAddress() {
        Object reply = runner.call("SENTINEL", "get-master-addr-by-name", masterName);
        if (!(reply instanceof List<?> address) || address.size() != 2) {
            throw new RedisProcessException("sentinel on 127.0.0.1:" + port() + " knows no master '" + masterName
                    + "' (reply: " + reply + ")");
        }
        return InetSocketAddress.createUnresolved(String.valueOf(address.get(0)),
                Integer.parseInt(String.valueOf(address.get(1))));
    }

    /** Whether the process is alive now. */
    public boolean isRunning() {
        return runner.isRunning();
    }

    /** The pid of the running process ({@link IllegalStateException} if not running). */
    public long pid() {
        return runner.pid();
    }

    /** SIGKILL; returns once exited and the port is free. */
    public void kill() {
        runner.kill();
    }

    /** SIGTERM (SIGKILL after 10 s); returns once exited and the port is free. */
    public void stop() {
        runner.stop();
    }

    /** Starts again on the same port (stopping first if running); the master must be running. */
    public void restart() {
        runner.restart();
    }

    /** Stops the process. Idempotent. */
    @Override
    public void close() {
        runner.close();
    }

    /** The log file of every start. */
    public Path logFile() {
        return runner.logFile();
    }

    /** The sentinel config (generated at each start, then rewritten by the sentinel itself). */
    public Path configFile() {
        return runner.configFile();
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        return runner.logTail(lines);
    }

    @Override
    public String toString() {
        return "redis-sentinel on 127.0.0.1:" + port() + " monitoring " + masterName + " at 127.0.0.1:"
                + master.port() + (isRunning() ? " (running)" : " (not running)");
    }

    private RedisConfig config(Path workDir, int port, Duration downAfter, Duration failoverTimeout) {
        RedisConfig config = new RedisConfig()
                .comment("generated by weft test-support; the sentinel rewrites this file")
                .add("port", Integer.toString(port))
                .add("bind", "127.0.0.1")
                .add("protected-mode", "no")
                .add("daemonize", "no")
                .add("logfile", "")
                .add("dir", workDir.toString())
                .add("sentinel", "monitor", masterName, "127.0.0.1", Integer.toString(master.port()), "1")
                .add("sentinel", "down-after-milliseconds", masterName, Long.toString(downAfter.toMillis()))
                .add("sentinel", "failover-timeout", masterName, Long.toString(failoverTimeout.toMillis()));
        if (master.username().isPresent()) {
            config.add("sentinel", "auth-user", masterName, master.username().get());
            config.add("sentinel", "auth-pass", masterName, master.userPassword().orElseThrow());
        } else if (master.password().isPresent()) {
            config.add("sentinel", "auth-pass", masterName, master.password().get());
        }
        return config;
    }

    private String notReadyBecause(RespConnection connection) throws IOException, RespConnection.ErrorReply {
        if (!"PONG".equals(connection.call("PING"))) {
            return "PING was not answered with PONG";
        }
        Object address = connection.call("SENTINEL", "get-master-addr-by-name", masterName);
        if (!List.of("127.0.0.1", Integer.toString(master.port())).equals(address)) {
            return "get-master-addr-by-name " + masterName + " answered " + address;
        }
        Object details = connection.call("SENTINEL", "master", masterName);
        String flags = field(details, "flags");
        if (flags == null || flags.contains("disconnected") || flags.contains("s_down")) {
            return "master flags are " + flags;
        }
        // Milliseconds since the sentinel last got an INFO reply from the master, 0 for "never" (or, for one
        // millisecond, "just now": the next poll tells). A reply proves the sentinel reached and authenticated to
        // the master, not just opened a socket.
        String infoRefresh = field(details, "info-refresh");
        if (infoRefresh == null || Long.parseLong(infoRefresh) <= 0) {
            return "the sentinel has had no INFO reply from the master yet";
        }
        if (!replicas.isEmpty()) {
            // Learnt from the master's INFO (and the sentinel's own connection to each): a replica it has not
            // discovered, or cannot reach, is no candidate for a failover.
            Object known = connection.call("SENTINEL", "replicas", masterName);
            for (RedisServerProcess replica : replicas) {
                String replicaFlags = null;
                if (known instanceof List<?> entries) {
                    for (Object entry : entries) {
                        if (String.valueOf(replica.port()).equals(field(entry, "port"))) {
                            replicaFlags = field(entry, "flags");
                        }
                    }
                }
                if (replicaFlags == null || replicaFlags.contains("disconnected") || replicaFlags.contains("s_down")) {
                    return "replica 127.0.0.1:" + replica.port() + " not usable yet (flags " + replicaFlags + ")";
                }
            }
        }
        return null;
    }

    private static String field(Object masterDetails, String name) {
        if (masterDetails instanceof List<?> fields) {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (name.equals(fields.get(i))) {
                    return String.valueOf(fields.get(i + 1));
                }
            }
        }
        return null;
    }

    /** Configures and starts a {@link RedisSentinelProcess}. Not thread-safe; use once. */
    public static final class Builder {
        private final RedisServerProcess master;
        private String masterName = DEFAULT_MASTER_NAME;
        private int port;
        private Duration downAfter = Duration.ofSeconds(5);
        private Duration failoverTimeout = Duration.ofSeconds(10);
        private final List<RedisServerProcess> replicas = new ArrayList<>();
        private Duration startupTimeout = Duration.ofSeconds(20);
        private RedisBinary binary;

        private Builder(RedisServerProcess master) {
            this.master = Objects.requireNonNull(master, "master");
        }

        /** The master name (default {@value #DEFAULT_MASTER_NAME}). */
        public Builder masterName(String masterName) {
            if (masterName.isBlank() || masterName.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("not a usable master name: '" + masterName + "'");
            }
            this.masterName = masterName;
            return this;
        }

        /** Listen on this port (default: a free one). */
        public Builder port(int port) {
            if (port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("not a TCP port: " + port);
            }
            this.port = port;
            return this;
        }

        /** {@code down-after-milliseconds}: how long the master must be unreachable to be "down" (default 5 s). */
        public Builder downAfter(Duration downAfter) {
            if (downAfter.toMillis() <= 0) {
                throw new IllegalArgumentException("down-after must be positive: " + downAfter);
            }
            this.downAfter = downAfter;
            return this;
        }

        /**
         * {@code failover-timeout}: how long a failover may take before it is abandoned, and how long the sentinel
         * waits before trying another (default 10 s).
         */
        public Builder failoverTimeout(Duration failoverTimeout) {
            if (failoverTimeout.toMillis() <= 0) {
                throw new IllegalArgumentException("failover timeout must be positive: " + failoverTimeout);
            }
            this.failoverTimeout = failoverTimeout;
            return this;
        }

        /**
         * A running replica of the master ({@link RedisServerProcess.Builder#replicaOf}): starting waits until the
         * sentinel has discovered it, so that it can be promoted if the master goes down.
         */
        public Builder replica(RedisServerProcess replica) {
            if (replica.replicaOf().orElse(null) != master) {
                throw new IllegalArgumentException(replica + " was not started as a replica of " + master);
            }
            replicas.add(replica);
            return this;
        }

        /** Bound on each (re)start (default 20 s). */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /** The binary to run (default: the master's). */
        public Builder binary(RedisBinary binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /**
         * Starts the sentinel and waits until it knows the master.
         *
         * @throws IllegalArgumentException if the master speaks TLS
         * @throws IllegalStateException if the master is not running
         * @throws RedisProcessException if the sentinel does not become ready, with its log tail
         */
        public RedisSentinelProcess start() {
            if (master.tls().isPresent()) {
                throw new IllegalArgumentException("a sentinel for a TLS master is not supported by this helper");
            }
            if (!master.isRunning()) {
                throw new IllegalStateException("the master " + master + " must run before its sentinel starts");
            }
            RedisSentinelProcess sentinel = new RedisSentinelProcess(this, binary != null ? binary : master.binary());
            sentinel.runner.start();
            return sentinel;
        }
    }
}
