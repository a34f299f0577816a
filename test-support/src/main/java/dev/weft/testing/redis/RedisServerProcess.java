package dev.weft.testing.redis;

import dev.weft.testing.process.TestDirectories;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code redis-server} process on 127.0.0.1, owned by a test: started on a free port (or a given one),
 * killed and restarted on the same port at will.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.start()) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 *     redis.kill();      // SIGKILL: clients see the connection drop
 *     redis.restart();   // same port; Lettuce reconnects by itself
 * }
 * }</pre>
 *
 * <p>The server runs with a generated config: loopback only, protected mode off, no RDB and no AOF (a restart
 * starts empty), its own working directory, and its log in {@link #logFile()} under
 * {@code target/weft-testing/redis/}. The binary is {@link RedisBinary#resolve()}'s unless the builder names one.
 *
 * <p><b>Contract.</b> Starting returns only once <em>this</em> process answers {@code PING} (authenticated if
 * configured, over TLS if configured) - verified by its pid, so a foreign server on the port is never mistaken for
 * it. {@link #kill()} and {@link #stop()} return only once the process has exited and the port can be bound again.
 * Every wait is bounded; failures throw {@link RedisProcessException} with the tail of the log. A process left
 * running is killed when the JVM exits, even if it crashes (see {@code ProcessReaper}).
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread; life-cycle methods are serialized.
 * {@link #close()} is idempotent; after it, {@link #restart()} throws {@link IllegalStateException}.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

    private final RedisProcessRunner runner;
    private final String password;
    private final String username;
    private final String aclPassword;
    private final RedisTls tls;
    private final RedisServerProcess replicaOf;

    private RedisServerProcess(Builder builder, RedisBinary binary) {
        this.password = builder.password;
        this.username = builder.username;
        this.aclPassword = builder.aclPassword;
        this.tls = builder.tls;
        this.replicaOf = builder.replicaOf;
        Path workDir = TestDirectories.newDirectory("redis", "redis");
        List<String[]> extra = List.copyOf(builder.extraConfig);
        this.runner = new RedisProcessRunner("redis-server", binary, workDir, builder.port,
                port -> config(binary, workDir, port, extra),
                List.of(), tls == null ? null : tls.sslContext(), this::authenticate, this::notReadyBecause,
                builder.startupTimeout);
    }

    /** Starts a server on a free port with the defaults. */
    public static RedisServerProcess start() {
        return builder().start();
    }

    /** A builder for a server with a fixed port, credentials, TLS or extra configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port; fixed for the life of this object (restarts come back on it). */
    public int port() {
        return runner.port();
    }

    /** Always {@code "127.0.0.1"}. */
    public String host() {
        return "127.0.0.1";
    }

    /** {@code redis://127.0.0.1:PORT}, or {@code rediss://...} with TLS. Carries no credentials. */
    public String uri() {
        return (tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port();
    }

    /** {@link #uri()} with the user and password in it (URL-encoded), when the server requires them. */
    public String uriWithCredentials() {
        if (password == null && username == null) {
            return uri();
        }
        String user = username == null ? "" : encode(username);
        String secret = encode(username == null ? password : aclPassword);
        return (tls == null ? "redis" : "rediss") + "://" + user + ":" + secret + "@127.0.0.1:" + port();
    }

    /** The {@code requirepass} password (of the {@code default} user), if any. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The ACL user created at start, if any. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The ACL user's password, if an ACL user was created. */
    public Optional<String> userPassword() {
        return Optional.ofNullable(aclPassword);
    }

    /** The TLS material, if the server speaks TLS (it then speaks nothing else). */
    public Optional<RedisTls> tls() {
        return Optional.ofNullable(tls);
    }

    /** The server this one was started as a replica of ({@link Builder#replicaOf}), if any. */
    public Optional<RedisServerProcess> replicaOf() {
        return Optional.ofNullable(replicaOf);
    }

    /**
     * Its replication role now, the first element of {@code ROLE}: {@code "master"} or {@code "slave"}. A replica
     * promoted by a Sentinel failover says {@code "master"}.
     *
     * @throws RedisProcessException if it does not run
     */
    public String role() {
        Object reply = runner.call("ROLE");
        return reply instanceof List<?> fields && !fields.isEmpty() ? String.valueOf(fields.get(0))
                : String.valueOf(reply);
    }

    /** Whether the process is alive now. */
    public boolean isRunning() {
        return runner.isRunning();
    }

    /**
     * The pid of the running process.
     *
     * @throws IllegalStateException if it is not running
     */
    public long pid() {
        return runner.pid();
    }

    /**
     * Kills the process with SIGKILL - no goodbye to clients, as in a crash - and returns once it has exited and
     * the port is free. No-op if not running.
     */
    public void kill() {
        runner.kill();
    }

    /** Shuts the process down with SIGTERM (SIGKILL after 10 s), then waits as {@link #kill()} does. */
    public void stop() {
        runner.stop();
    }

    /**
     * Starts the server again on the same port, stopping it first if it runs. The new process starts empty (no
     * persistence). Waits, bounded by the startup timeout, for the port to become free if something still holds it.
     */
    public void restart() {
        runner.restart();
    }

    /** Stops the process. Idempotent. */
    @Override
    public void close() {
        runner.close();
    }

    /** The log file (stdout and stderr of every start, each start introduced by a {@code ### weft:} line). */
    public Path logFile() {
        return runner.logFile();
    }

    /** The generated redis.conf of the latest start. */
    public Path configFile() {
        return runner.configFile();
    }

    /** The binary it runs. */
    public RedisBinary binary() {
        return runner.binary();
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        return runner.logTail(lines);
    }

    /**
     * How many times {@code command} (e.g. {@code "publish"}) ran since the start or the last
     * {@link #resetStats()}, from {@code INFO commandstats}. Useful to prove that something was <em>not</em>
     * published.
     */
    public long commandCalls(String command) {
        String key = "cmdstat_" + command.toLowerCase(Locale.ROOT) + ":";
        for (String line : String.valueOf(runner.call("INFO", "commandstats")).split("\r?\n")) {
            if (line.startsWith(key)) {
                Matcher matcher = CALLS.matcher(line);
                return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
            }
        }
        return 0;
    }

    /** Runs one command on a fresh, authenticated connection (for helpers of this package). */
    Object call(String... command) {
        return runner.call(command);
    }

    /** {@code commandCalls("publish")}. */
    public long publishCount() {
        return commandCalls("publish");
    }

    /** Resets the command statistics ({@code CONFIG RESETSTAT}). */
    public void resetStats() {
        runner.call("CONFIG", "RESETSTAT");
    }

    /**
     * Closes every client connection (normal and pub/sub) while the server keeps running - a network blip rather
     * than a crash. Returns how many were closed.
     */
    public long disconnectClients() {
        long normal = (Long) runner.call("CLIENT", "KILL", "TYPE", "normal");
        long pubsub = (Long) runner.call("CLIENT", "KILL", "TYPE", "pubsub");
        return normal + pubsub;
    }

    @Override
    public String toString() {
        return "redis-server on " + uri() + (isRunning() ? " (running)" : " (not running)");
    }

    private void authenticate(RespConnection connection) throws IOException, RespConnection.ErrorReply {
        if (username != null) {
            connection.call("AUTH", username, aclPassword);
        } else if (password != null) {
            connection.call("AUTH", password);
        }
    }

    private String notReadyBecause(RespConnection connection) throws IOException, RespConnection.ErrorReply {
        if (!"PONG".equals(connection.call("PING"))) {
            return "PING was not answered with PONG";
        }
        if (replicaOf != null) {
            // A replica is of use (to a test, to a sentinel choosing whom to promote) once it holds the master's data.
            String replication = String.valueOf(connection.call("INFO", "replication"));
            if (!replication.contains("master_link_status:up")) {
                return "not yet in sync with its master 127.0.0.1:" + replicaOf.port();
            }
        }
        return null;
    }

    private RedisConfig config(RedisBinary binary, Path workDir, int port, List<String[]> extra) {
        RedisConfig config = new RedisConfig()
                .comment("generated by weft test-support: loopback only, no persistence")
                .add("bind", "127.0.0.1")
                .add("protected-mode", "no")
                .add("daemonize", "no")
                .add("logfile", "")
                .add("dir", workDir.toString())
                .add("save", "")
                .add("appendonly", "no");
        if (tls == null) {
            config.add("port", Integer.toString(port));
        } else {
            // TLS only: a client that forgets TLS gets no answer instead of silently bypassing it.
            config.add("port", "0")
                    .add("tls-port", Integer.toString(port))
                    .add("tls-cert-file", tls.certificatePem().toString())
                    .add("tls-key-file", tls.privateKeyPem().toString())
                    .add("tls-ca-cert-file", tls.certificatePem().toString())
                    .add("tls-auth-clients", "no");
        }
        if (password != null) {
            config.add("requirepass", password);
        }
        if (username != null) {
            if (password == null) {
                // Otherwise the passwordless default user would let every unauthenticated connection in.
                config.add("user", "default", "off");
            }
            List<String> rule = new ArrayList<>(List.of(username, "on", ">" + aclPassword, "~*"));
            if (binary.isAtLeast(6, 2)) {
                rule.add("&*"); // pub/sub channel permissions exist (and default to restrictive in 7) since 6.2
            }
            rule.add("+@all");
            config.add("user", rule.toArray(String[]::new));
        }
        if (replicaOf != null) {
            config.add("replicaof", "127.0.0.1", Integer.toString(replicaOf.port()));
            replicaOf.username().ifPresent(user -> config.add("masteruser", user));
            Optional<String> secret = replicaOf.username().isPresent() ? replicaOf.userPassword()
                    : replicaOf.password();
            secret.ifPresent(pass -> config.add("masterauth", pass));
        }
        for (String[] line : extra) {
            config.add(line[0], Arrays.copyOfRange(line, 1, line.length));
        }
        return config;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Configures and starts a {@link RedisServerProcess}. Not thread-safe; use once. */
    public static final class Builder {
        private int port;
        private String password;
        private String username;
        private String aclPassword;
        private RedisTls tls;
        private RedisBinary binary;
        private RedisServerProcess replicaOf;
        private Duration startupTimeout = Duration.ofSeconds(20);
        private final List<String[]> extraConfig = new ArrayList<>();

        private Builder() {
        }

        /** Listen on this port (default: a free one, see {@code FreePorts}). */
        public Builder port(int port) {
            if (port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("not a TCP port: " + port);
            }
            this.port = port;
            return this;
        }

        /** Require this password ({@code requirepass}: the {@code default} user's password). */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Create an ACL user with all permissions. Unless {@link #password(String)} is set too, the
         * {@code default} user is switched off, so unauthenticated connections can do nothing.
         * Needs redis 6.0 or newer.
         */
        public Builder aclUser(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.aclPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Speak TLS only, with this material. Fails at start if the binary was built without TLS. */
        public Builder tls(RedisTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Adds a config line after the generated ones, e.g. {@code config("maxmemory", "10mb")}. */
        public Builder config(String directive, String... args) {
            String[] line = new String[args.length + 1];
            line[0] = Objects.requireNonNull(directive, "directive");
            System.arraycopy(args, 0, line, 1, args.length);
            extraConfig.add(line);
            return this;
        }

        /**
         * Start as a replica of {@code master} ({@code replicaof}, with the master's credentials as
         * {@code masteruser}/{@code masterauth}): starting then returns once the replica is in sync with it
         * ({@code master_link_status:up}), so the master must run, at every (re)start. A TLS master is not supported.
         */
        public Builder replicaOf(RedisServerProcess master) {
            this.replicaOf = Objects.requireNonNull(master, "master");
            return this;
        }

        /** The binary to run (default {@link RedisBinary#resolve()}). */
        public Builder binary(RedisBinary binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /** Bound on each (re)start, including waiting for a fixed port to become free (default 20 s). */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Starts the server and waits until it answers.
         *
         * @throws RedisProcessException if it does not, with the log tail
         */
        public RedisServerProcess start() {
            RedisBinary chosen = binary != null ? binary : RedisBinary.resolve();
            if (username != null && !chosen.isAtLeast(6, 0)) {
                throw new RedisProcessException(chosen + " has no ACL users (needs 6.0+)");
            }
            if (tls != null && !chosen.supportsTls()) {
                throw new RedisProcessException(chosen + " was built without TLS support");
            }
            if (replicaOf != null && (replicaOf.tls().isPresent() || tls != null)) {
                throw new IllegalArgumentException("a TLS replica or master is not supported by this helper");
            }
            if (replicaOf != null && !replicaOf.isRunning()) {
                throw new IllegalStateException("the master " + replicaOf + " must run before its replica starts");
            }
            RedisServerProcess server = new RedisServerProcess(this, chosen);
            server.runner.start();
            return server;
        }
    }
}
