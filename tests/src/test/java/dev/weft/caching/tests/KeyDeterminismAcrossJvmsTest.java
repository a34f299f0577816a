package dev.weft.caching.tests;

import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DESIGN invariant 1 across processes and JDK versions: a second JVM, started with another default time zone and
 * locale and another identity-hash algorithm, computes exactly the same keys for the same calls; and so does a JVM of
 * another JDK feature version (a fleet being upgraded runs both), whose {@code Double.toString} differs.
 */
class KeyDeterminismAcrossJvmsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    @Test
    void aSecondJvmComputesTheSameKeysForTheSameArguments() throws Exception {
        List<String> here = KeyCatalog.keys();
        List<String> there = childKeys(JvmLauncher.forMainClass(KeyCatalog.class)
                .jvmArgs("-Duser.timezone=Asia/Tokyo", "-Duser.language=tr", "-Duser.country=TR",
                        "-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=2", "-Xmx128m"));
        assertThat(there).hasSize(here.size()).containsExactlyElementsOf(here);
        assertThat(here).doesNotHaveDuplicates();
        assertThat(here).anyMatch(k -> k.contains("(sha256:"));
        assertThat(here).contains("dev.weft.caching.tests.KeyCatalog$Shard[shard-7].find(42L)");
        assertThat(here).as("a Calendar: its instant and its own zone, not the JVM's (issue 17)")
                .contains("dev.weft.caching.tests.KeyCatalog$Calls.one("
                        + "Calendar(2023-11-14T22:13:22.003Z[Europe/Paris]))");
    }

    @Test
    void aJvmOfAnotherJdkVersionComputesTheSameKeys() throws Exception {
        Optional<Path> other = otherJdk();
        assumeTrue(other.isPresent(), "no JDK of another feature version under /usr/lib/jvm");
        List<String> here = KeyCatalog.keys();
        List<String> there = childKeys(JvmLauncher.forMainClass(KeyCatalog.class).javaHome(other.get())
                .jvmArgs("-Xmx128m"));
        assertThat(there).containsExactlyElementsOf(here);
    }

    private static List<String> childKeys(JvmLauncher launcher) throws Exception {
        List<String> keys = new ArrayList<>();
        try (JvmProcess child = launcher.start()) {
            String line;
            while (!(line = child.nextLine(Duration.ofSeconds(30))).equals("END")) {
                assertThat(line).startsWith("KEY ");
                keys.add(line.substring(4));
            }
        }
        return keys;
    }

    /** A JDK installed beside this one whose feature version differs (17 and 25 on the build machines). */
    private static Optional<Path> otherJdk() throws IOException {
        Path dir = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        int mine = Runtime.version().feature();
        try (Stream<Path> homes = Files.list(dir)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")))
                    .filter(h -> {
                        Integer v = featureVersion(h);
                        return v != null && v >= 17 && v != mine;
                    })
                    .sorted()
                    .findFirst();
        }
    }

    private static Integer featureVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
