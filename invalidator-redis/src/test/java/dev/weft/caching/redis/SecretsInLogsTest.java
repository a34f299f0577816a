package dev.weft.caching.redis;

import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.net.FreePorts;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, case 7: an invalid Redis URI's exception repeated the whole URI, password included, and the redaction
 * missed {@code redis://secret@host}. A child JVM uses a password in every URI form Lettuce accepts (working, refused,
 * unreachable, unparseable), logs every failure with its stack trace, and logs everything (Weft, Lettuce, Netty) at
 * TRACE; its whole stderr must not contain the password in any encoding. One logger stays at DEBUG: Lettuce's
 * {@code io.lettuce.core.protocol}, whose TRACE is a dump of every byte on the wire, {@code AUTH} included, by design
 * (docs/redis.md says never to turn it on in production).
 */
class SecretsInLogsTest {

    static final String SECRET = "s3cr3t-Pw_x9";
    static final String WRONG = "wr0ng-Pw_q7";

    @Test
    void noLogLineAndNoExceptionEverShowsAPasswordWhateverTheUriForm() throws Exception {
        try (RedisServerProcess withPassword = RedisServerProcess.builder().password(SECRET).start();
             RedisServerProcess withAcl = RedisServerProcess.builder().aclUser("weft", SECRET).start();
             JvmProcess child = JvmLauncher.forMainClass(SecretsChildMain.class)
                     .args(String.valueOf(withPassword.port()), String.valueOf(withAcl.port()),
                             String.valueOf(FreePorts.findFreePort()), SECRET, WRONG)
                     .jvmArgs("-Xmx128m", "-XX:TieredStopAtLevel=1",
                             "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                             "-Dorg.slf4j.simpleLogger.log.io.lettuce=trace",
                             "-Dorg.slf4j.simpleLogger.log.io.lettuce.core.protocol=debug",
                             "-Dorg.slf4j.simpleLogger.log.io.netty=debug",
                             "-Dorg.slf4j.simpleLogger.log.reactor=debug")
                     .start()) {
            child.awaitReady(Duration.ofSeconds(120));
            // let the background retries log a few times
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    child.stderrLines().stream().filter(l -> l.contains("Still cannot connect")
                            || l.contains("Cannot connect to Redis")).count() >= 1);
            child.request("STATUS", Duration.ofSeconds(10));
            // the whole file: stderrLines() keeps only a tail
            List<String> log = java.nio.file.Files.readAllLines(child.stderrLog(), StandardCharsets.ISO_8859_1);
            String all = String.join("\n", log);
            assertThat(log.size()).as("the child logged a lot").isGreaterThan(200);
            assertThat(all).as("Lettuce logged at TRACE/DEBUG").contains("io.lettuce");
            assertThat(all).contains("worked: ").contains("invalid Redis URI").contains("refused the credentials")
                    .contains("create failed as expected");
            for (String secret : List.of(SECRET, WRONG)) {
                assertThat(all).doesNotContain(secret)
                        .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8))
                        .doesNotContain(secret.replace("-", "%2D"));
            }
        }
    }
}
