package dev.weft.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where processes started by this module keep their working directories, configuration and logs.
 *
 * <p>The root is, in order: the system property {@value #ROOT_PROPERTY}; {@code target/weft-testing} under the
 * working directory when a Maven {@code target} directory exists there (so logs sit next to the surefire reports
 * and go away with {@code mvn clean}); otherwise {@code weft-testing-<user>} under {@code java.io.tmpdir}.
 *
 * <p>Thread-safe; directories are created on demand and never deleted by this class (logs must survive a failed
 * test so someone can read them).
 */
public final class TestDirectories {

    /** System property naming the root directory explicitly. */
    public static final String ROOT_PROPERTY = "weft.testing.dir";

    private TestDirectories() {
    }

    /** The root directory, created if missing. */
    public static Path root() {
        String explicit = System.getProperty(ROOT_PROPERTY);
        Path root;
        if (explicit != null && !explicit.isBlank()) {
            root = Path.of(explicit);
        } else {
            Path target = Path.of(System.getProperty("user.dir"), "target");
            root = Files.isDirectory(target)
                    ? target.resolve("weft-testing")
                    : Path.of(System.getProperty("java.io.tmpdir"), "weft-testing-" + System.getProperty("user.name"));
        }
        return createDirectories(root.toAbsolutePath());
    }

    /** {@code root()/category}, created if missing. */
    public static Path category(String category) {
        return createDirectories(root().resolve(category));
    }

    /** A new, empty, uniquely named directory under {@code root()/category}, unique across JVMs too. */
    public static Path newDirectory(String category, String prefix) {
        try {
            return Files.createTempDirectory(category(category), prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + category(category), e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir, e);
        }
    }
}
