package dev.weft.testing.jvm;

import dev.weft.testing.process.TestDirectories;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts another JVM running a main class from this JVM's class path - a second (third, ...) instance of an
 * application for multi-instance tests.
 *
 * <pre>{@code
 * try (JvmProcess peer = JvmLauncher.forMainClass(PeerMain.class)
 *         .args(redis.uri())
 *         .systemProperty("weft.instance", "2")
 *         .jvmArgs("-Xmx128m")
 *         .start()
 *         .awaitReady(Duration.ofSeconds(30))) {
 *     assertThat(peer.request("GET 42", Duration.ofSeconds(5))).isEqualTo("VALUE 42 v1");
 * }
 * }</pre>
 *
 * <p>The child runs the same {@code java} as this JVM ({@code java.home}), with this JVM's
 * {@code java.class.path} (through a {@code @argfile} when it is too long for a command line), in the same working
 * directory, and with the system property {@value ChildChannel#PARENT_PID_PROPERTY} so that a
 * {@link ChildChannel} can exit when this JVM dies. Nothing else is inherited unless asked: not this JVM's options,
 * not its {@code -javaagent}s (see {@link #inheritJavaAgents()}).
 *
 * <p>A builder: not thread-safe, but {@link #start()} may be called more than once to start several children.
 */
public final class JvmLauncher {

    /** Longer class paths go through an argument file (a single argument is limited to 128 KiB on Linux). */
    private static final int MAX_INLINE_CLASSPATH = 32_000;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String mainClass;
    private final List<String> args = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> agents = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String classpath = System.getProperty("java.class.path");
    private String name;
    private Path workingDirectory;
    private Duration closeGracePeriod = Duration.ofSeconds(5);
    private boolean echoStderr;
    private boolean forceArgFile;
    private Path javaHome;

    private JvmLauncher(String mainClass) {
        this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
    }

    /** A launcher for {@code mainClass}, which must be on this JVM's class path. */
    public static JvmLauncher forMainClass(Class<?> mainClass) {
        return new JvmLauncher(mainClass.getName());
    }

    /** A launcher for the main class with this binary name. */
    public static JvmLauncher forMainClass(String mainClassName) {
        return new JvmLauncher(mainClassName);
    }

    /** Appends program arguments. */
    public JvmLauncher args(String... args) {
        this.args.addAll(List.of(args));
        return this;
    }

    /** Sets {@code -Dkey=value} for the child. */
    public JvmLauncher systemProperty(String key, String value) {
        systemProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Appends JVM options ({@code -Xmx128m}, {@code -XX:...}), placed before the main class. */
    public JvmLauncher jvmArgs(String... jvmArgs) {
        this.jvmArgs.addAll(List.of(jvmArgs));
        return this;
    }

    /** Adds {@code -javaagent:jar}. */
    public JvmLauncher javaAgent(Path jar) {
        agents.add("-javaagent:" + jar.toAbsolutePath());
        return this;
    }

    /** Adds {@code -javaagent:jar=options}. */
    public JvmLauncher javaAgent(Path jar, String options) {
        agents.add("-javaagent:" + jar.toAbsolutePath() + "=" + options);
        return this;
    }

    /**
     * Passes on every {@code -javaagent} this JVM was started with (e.g. AspectJ load-time weaving, or a coverage
     * agent - which must then tolerate several JVMs writing its output, as JaCoCo's {@code append=true} does).
     */
    public JvmLauncher inheritJavaAgents() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:") && !agents.contains(arg)) {
                agents.add(arg);
            }
        }
        return this;
    }

    /** Replaces the class path (default: this JVM's {@code java.class.path}). */
    public JvmLauncher classpath(String classpath) {
        this.classpath = Objects.requireNonNull(classpath, "classpath");
        return this;
    }

    /** Sets an environment variable for the child (the rest of this JVM's environment is inherited). */
    public JvmLauncher environment(String key, String value) {
        environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Names the child in messages, threads and log files (default: main class simple name + counter). */
    public JvmLauncher name(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("use letters, digits, '.', '_' and '-' in a child name: " + name);
        }
        this.name = name;
        return this;
    }

    /** The child's working directory (default: this JVM's). */
    public JvmLauncher workingDirectory(Path directory) {
        this.workingDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /** How long {@link JvmProcess#close()} lets the child shut down after SIGTERM before SIGKILL (default 5 s). */
    public JvmLauncher closeGracePeriod(Duration gracePeriod) {
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("grace period must not be negative: " + gracePeriod);
        }
        this.closeGracePeriod = gracePeriod;
        return this;
    }

    /** Also copy the child's stderr to this JVM's {@code System.err}, each line prefixed with the child's name. */
    public JvmLauncher echoStderr(boolean echo) {
        this.echoStderr = echo;
        return this;
    }

    /** Always pass the class path through an argument file (to test that path). */
    JvmLauncher forceArgFile() {
        this.forceArgFile = true;
        return this;
    }

    /** Runs the child on the JDK installed at {@code home} instead of the one running this JVM. */
    public JvmLauncher javaHome(Path home) {
        this.javaHome = home;
        return this;
    }

    /**
     * Starts the child. It is running when this returns; wait for it to be ready with
     * {@link JvmProcess#awaitReady(Duration)} or {@link JvmProcess#awaitLine(String, Duration)}.
     *
     * @throws JvmProcessException if the process cannot be started
     */
    public JvmProcess start() {
        String childName = name != null ? name
                : mainClass.substring(mainClass.lastIndexOf('.') + 1).replace('$', '.') + "-"
                        + COUNTER.incrementAndGet();
        Path logDir = TestDirectories.category("jvm");
        List<String> command = command(childName, logDir);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            Path stderrLog = logDir.resolve(childName + "-" + process.pid() + ".stderr.log");
            return new JvmProcess(childName, mainClass, process, stderrLog, echoStderr, closeGracePeriod);
        } catch (IOException e) {
            throw new JvmProcessException("cannot start child JVM '" + childName + "': " + String.join(" ", command),
                    e);
        }
    }

    private List<String> command(String childName, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable(javaHome != null ? javaHome : Path.of(System.getProperty("java.home")))
                .toString());
        command.addAll(agents);
        command.addAll(jvmArgs);
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-D" + ChildChannel.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        command.add("-D" + ChildChannel.NAME_PROPERTY + "=" + childName);
        if (forceArgFile || classpath.length() > MAX_INLINE_CLASSPATH) {
            command.add("@" + classpathArgFile(childName, logDir));
        } else {
            command.add("-cp");
            command.add(classpath);
        }
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    private Path classpathArgFile(String childName, Path logDir) {
        // Argument-file syntax: a quoted argument may contain spaces; backslash escapes '"' and '\' inside quotes.
        String quoted = "\"" + classpath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        try {
            Path file = Files.createTempFile(logDir, childName + "-classpath-", ".args");
            Files.writeString(file, "-cp\n" + quoted + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new JvmProcessException("cannot write the class path argument file for '" + childName + "'", e);
        }
    }

    private static Path javaExecutable(Path home) {
        Path bin = home.resolve("bin");
        Path java = bin.resolve("java");
        return Files.isExecutable(java) || File.separatorChar == '/' ? java : bin.resolve("java.exe");
    }
}
