package dev.weft.testing.redis;

import dev.weft.testing.net.FreePorts;
import dev.weft.testing.process.TestDirectories;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runnable {@code redis-server} executable and what it can do.
 *
 * <p>{@link #resolve()} finds one without root or a package manager, in this order:
 * <ol>
 *   <li>the system property {@value #PATH_PROPERTY} or the environment variable {@value #PATH_ENV}, if set: that
 *       file and nothing else (a wrong explicit path is an error, not a reason to silently use another binary);</li>
 *   <li>the binary for this OS and architecture bundled in the {@code com.github.codemonstur:embedded-redis} jar,
 *       extracted once to {@code <test dir>/bin} and made executable;</li>
 *   <li>{@code redis-server} on the {@code PATH}.</li>
 * </ol>
 * A candidate counts only if {@code redis-server --version} runs, so a bundled binary that cannot load (missing
 * shared libraries, foreign libc) falls through to the {@code PATH}.
 *
 * <p>Instances are immutable and thread-safe; the resolved default is computed once per JVM.
 */
public final class RedisBinary {

    /** System property naming the redis-server executable to use. */
    public static final String PATH_PROPERTY = "weft.redis.server";
    /** Environment variable naming the redis-server executable to use (the system property wins). */
    public static final String PATH_ENV = "WEFT_REDIS_SERVER";

    /** Where a binary came from. */
    public enum Source {
        /** Named by {@value #PATH_PROPERTY} / {@value #PATH_ENV}, or passed to {@link #of(Path)}. */
        EXPLICIT,
        /** Extracted from the embedded-redis jar. */
        BUNDLED,
        /** Found on the {@code PATH}. */
        PATH
    }

    private static final String BUNDLE_MARKER = "META-INF/maven/com.github.codemonstur/embedded-redis/pom.properties";
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final long COMMAND_TIMEOUT_SECONDS = 15;

    private static volatile RedisBinary resolved;

    private final Path path;
    private final Source source;
    private final String versionText;
    private final int[] version;
    private volatile Boolean tls;

    private RedisBinary(Path path, Source source, String versionText, int[] version) {
        this.path = path;
        this.source = source;
        this.versionText = versionText;
        this.version = version;
    }

    /**
     * The binary to use in this JVM, found as described in the class comment and cached.
     *
     * @throws IllegalStateException naming every place looked at and why each failed
     */
    public static RedisBinary resolve() {
        RedisBinary binary = resolved;
        if (binary == null) {
            synchronized (RedisBinary.class) {
                binary = resolved;
                if (binary == null) {
                    binary = find();
                    resolved = binary;
                }
            }
        }
        return binary;
    }

    /**
     * A specific executable, checked by running {@code --version}.
     *
     * @throws IllegalArgumentException if it does not run or does not report a Redis version
     */
    public static RedisBinary of(Path executable) {
        return probe(executable.toAbsolutePath(), Source.EXPLICIT);
    }

    /** The executable. */
    public Path path() {
        return path;
    }

    /** Where it came from. */
    public Source source() {
        return source;
    }

    /** The version it reports, e.g. {@code "6.2.11"} (the bundled "6.2.6-v5" build reports 6.2.11). */
    public String version() {
        return version[0] + "." + version[1] + "." + version[2];
    }

    /** The full {@code --version} line. */
    public String versionLine() {
        return versionText;
    }

    /** Whether the version is at least {@code major.minor}. */
    public boolean isAtLeast(int major, int minor) {
        return version[0] > major || (version[0] == major && version[1] >= minor);
    }

    /**
     * Whether this build can serve TLS. Probed once (about 10 ms) by starting it on a TLS port with a missing
     * certificate: a TLS-capable build gets as far as trying to load the certificate; one built without TLS
     * rejects the {@code tls-port} directive or the TLS connection type first.
     */
    public boolean supportsTls() {
        Boolean known = tls;
        if (known == null) {
            known = probeTls();
            tls = known;
        }
        return known;
    }

    @Override
    public String toString() {
        return "redis-server " + version() + " at " + path + " (" + source.name().toLowerCase(Locale.ROOT) + ")";
    }

    private static RedisBinary find() {
        List<String> tried = new ArrayList<>();
        String explicit = Optional.ofNullable(System.getProperty(PATH_PROPERTY)).orElse(System.getenv(PATH_ENV));
        if (explicit != null && !explicit.isBlank()) {
            try {
                return of(Path.of(explicit));
            } catch (RuntimeException e) {
                throw new IllegalStateException("the redis-server named by " + PATH_PROPERTY + "/" + PATH_ENV
                        + " (" + explicit + ") is not usable: " + e.getMessage(), e);
            }
        }
        try {
            Optional<Path> bundled = extractBundled();
            if (bundled.isPresent()) {
                return probe(bundled.get(), Source.BUNDLED);
            }
            tried.add("embedded-redis jar: no binary for os.name=" + System.getProperty("os.name")
                    + ", os.arch=" + System.getProperty("os.arch") + " (or the jar is not on the class path)");
        } catch (RuntimeException e) {
            tried.add("embedded-redis jar: " + e.getMessage());
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                try {
                    return probe(candidate, Source.PATH);
                } catch (RuntimeException e) {
                    tried.add(candidate + ": " + e.getMessage());
                }
            }
        }
        tried.add("PATH: no runnable redis-server");
        throw new IllegalStateException("no usable redis-server found. Tried:\n  - " + String.join("\n  - ", tried)
                + "\nSet -D" + PATH_PROPERTY + "=/path/to/redis-server (or " + PATH_ENV + ") to choose one.");
    }

    private static RedisBinary probe(Path executable, Source source) {
        if (!Files.isRegularFile(executable)) {
            throw new IllegalArgumentException(executable + " is not a file");
        }
        CommandResult result = run(List.of(executable.toString(), "--version"), executable.getParent());
        Matcher matcher = VERSION.matcher(result.output);
        if (result.exitCode != 0 || !matcher.find()) {
            throw new IllegalArgumentException(executable + " --version exited with " + result.exitCode
                    + " and printed: " + result.output.strip());
        }
        int[] version = {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
            Integer.parseInt(matcher.group(3))};
        return new RedisBinary(executable, source, result.output.strip(), version);
    }

    private boolean probeTls() {
        Path missing = TestDirectories.category("bin").resolve("no-such-certificate.pem");
        CommandResult result = run(List.of(path.toString(), "--port", "0",
                "--tls-port", Integer.toString(FreePorts.findFreePort()),
                "--tls-cert-file", missing.toString(), "--tls-key-file", missing.toString(),
                "--tls-auth-clients", "no", "--appendonly", "no"), missing.getParent());
        return result.output.toLowerCase(Locale.ROOT).contains("certificate");
    }

    /** Extracts this platform's bundled binary, reusing a previous extraction of the same size. */
    private static Optional<Path> extractBundled() {
        URL marker = RedisBinary.class.getClassLoader().getResource(BUNDLE_MARKER);
        if (marker == null || !"jar".equals(marker.getProtocol())) {
            return Optional.empty();
        }
        String jarUrl = marker.getPath().substring(0, marker.getPath().indexOf("!/"));
        try (JarFile jar = new JarFile(Path.of(URI.create(jarUrl)).toFile())) {
            Optional<JarEntry> entry = jar.stream()
                    .filter(e -> e.getName().startsWith("redis-server-") && matchesPlatform(e.getName()))
                    .max(Comparator.comparing(JarEntry::getName));
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            Path target = TestDirectories.category("bin").resolve(entry.get().getName());
            if (Files.isExecutable(target) && Files.size(target) == entry.get().getSize()) {
                return Optional.of(target);
            }
            // Concurrent JVMs may extract at the same time: each writes its own temp file and renames it into
            // place atomically, so nobody ever executes a half-written file (or one still open for writing,
            // which Linux refuses with ETXTBSY).
            Path temp = Files.createTempFile(target.getParent(), entry.get().getName(), ".part");
            try (InputStream in = jar.getInputStream(entry.get())) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!temp.toFile().setExecutable(true, false)) {
                throw new IOException("cannot make " + temp + " executable");
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(target);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot extract redis-server from " + jarUrl + ": " + e, e);
        }
    }

    private static boolean matchesPlatform(String name) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osPart = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "darwin"
                : os.contains("windows") ? "windows" : os;
        String archPart = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            default -> arch;
        };
        String suffix = "-" + osPart + "-" + archPart;
        return name.endsWith(suffix) || name.endsWith(suffix + ".exe");
    }

    private record CommandResult(int exitCode, String output) {
    }

    /** Runs a short command, capturing stdout+stderr; bounded so that a hung binary cannot hang a test run. */
    private static CommandResult run(List<String> command, Path workDir) {
        try {
            Path output = Files.createTempFile(TestDirectories.category("bin"), "probe", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return new CommandResult(-1, "(no exit within " + COMMAND_TIMEOUT_SECONDS + " s) "
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                return new CommandResult(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
