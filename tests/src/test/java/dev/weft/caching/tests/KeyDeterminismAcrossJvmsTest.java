package dev.weft.caching.tests;

import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN invariant 1 across processes: a second JVM, started with another default time zone and locale and another
 * identity-hash algorithm, computes exactly the same keys for the same calls.
 */
class KeyDeterminismAcrossJvmsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    @Test
    void aSecondJvmComputesTheSameKeysForTheSameArguments() throws Exception {
        List<String> here = KeyCatalog.keys();
        List<String> there = new ArrayList<>();
        try (JvmProcess child = JvmLauncher.forMainClass(KeyCatalog.class)
                .jvmArgs("-Duser.timezone=Asia/Tokyo", "-Duser.language=tr", "-Duser.country=TR",
                        "-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=2", "-Xmx128m")
                .start()) {
            String line;
            while (!(line = child.nextLine(Duration.ofSeconds(30))).equals("END")) {
                assertThat(line).startsWith("KEY ");
                there.add(line.substring(4));
            }
        }
        assertThat(there).hasSize(here.size()).containsExactlyElementsOf(here);
        assertThat(here).doesNotHaveDuplicates();
        assertThat(here).anyMatch(k -> k.contains("(sha256:"));
        assertThat(here).contains("dev.weft.caching.tests.KeyCatalog$Shard[shard-7].find(42)");
    }
}
