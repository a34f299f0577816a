package dev.weft.testing.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JvmLauncherTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration REPLY = Duration.ofSeconds(10);

    @Test
    void childAnswersOverItsStdinAndStdout() {
        try (JvmProcess child = JvmLauncher.forMainClass(EchoChild.class)
                .name("echo")
                .args("a", "b c")
                .systemProperty("weft.test.property", "x=y")
                .jvmArgs("-Xmx64m")
                .start()
                .awaitReady(STARTUP)) {
            assertThat(child.request("ECHO hello world", REPLY)).isEqualTo("hello world");
            assertThat(child.request("ARGS", REPLY)).isEqualTo("a b c");
            assertThat(child.request("PROP weft.test.property", REPLY)).isEqualTo("x=y");
            assertThat(child.request("NAME", REPLY)).isEqualTo("echo");

            child.send("TWO");
            assertThat(child.expectLine("s(ec)ond", REPLY).group(1)).as("skips 'first'").isEqualTo("ec");

            assertThat(child.request("NOISE", REPLY)).isEqualTo("OK");
            await().atMost(REPLY).until(() -> child.stderrLines().contains("noise on System.out"));

            child.send(ChildChannel.EXIT);
            assertThat(child.exitCode(REPLY)).isZero();
        }
    }

    @Test
    void aDyingChildIsReportedWithItsExitCodeAndStderr() {
        try (JvmProcess child = JvmLauncher.forMainClass(EchoChild.class).start().awaitReady(STARTUP)) {
            child.send("DIE 3 the last words of the child");

            assertThatThrownBy(() -> child.nextLine(Duration.ofSeconds(20)))
                    .isInstanceOf(JvmProcessException.class)
                    .hasMessageContaining("closed its stdout")
                    .hasMessageContaining("has exited with code 3")
                    .hasMessageContaining("| the last words of the child")
                    .hasMessageContaining("| echo child starting with 0 args");
            assertThatThrownBy(() -> child.send("ECHO anyone?"))
                    .isInstanceOf(JvmProcessException.class)
                    .hasMessageContaining("has exited with code 3");
            assertThat(child.exitCode(REPLY)).isEqualTo(3);
            assertThat(child.stderrLog()).content().contains("the last words of the child");
        }
    }

    @Test
    void aFailedCommandAndATimeoutAreExplained() {
        try (JvmProcess child = JvmLauncher.forMainClass(EchoChild.class).start().awaitReady(STARTUP)) {
            assertThatThrownBy(() -> child.request("FAIL on purpose", REPLY))
                    .isInstanceOf(JvmProcessException.class)
                    .hasMessageContaining("ERROR java.lang.IllegalStateException: on purpose")
                    .hasMessageContaining("is still running")
                    .hasMessageContaining("at dev.weft.testing.jvm.EchoChild");

            assertThatThrownBy(() -> child.awaitLine("NEVER", Duration.ofMillis(200)))
                    .isInstanceOf(JvmProcessException.class)
                    .hasMessageContaining("did not print a line starting with \"NEVER\" within 200 ms")
                    .hasMessageContaining("is still running");

            assertThat(child.request("ECHO still here", REPLY)).isEqualTo("still here");
        }
    }

    @Test
    void closeKillsAChildThatIgnoresSigterm() {
        JvmProcess child = JvmLauncher.forMainClass(EchoChild.class)
                .closeGracePeriod(Duration.ofMillis(300))
                .start()
                .awaitReady(STARTUP);
        assertThat(child.request("HANG_ON_EXIT", REPLY)).isEqualTo("HOOKED");

        child.close();
        child.close();

        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitCode(REPLY)).isNotZero();
    }

    @Test
    void aLongClassPathGoesThroughAnArgumentFile() {
        try (JvmProcess child = JvmLauncher.forMainClass(EchoChild.class).forceArgFile().start()
                .awaitReady(STARTUP)) {
            assertThat(child.request("ECHO via @argfile", REPLY)).isEqualTo("via @argfile");
        }
    }

    @Test
    void aChildWhoseParentDiesHaltsItself() {
        long grandchild = -1;
        try (JvmProcess middle = JvmLauncher.forMainClass(OrphanMakerChild.class).start().awaitReady(STARTUP)) {
            grandchild = Long.parseLong(middle.request("JVM", REPLY).substring("PID ".length()));
            ProcessHandle handle = ProcessHandle.of(grandchild).orElseThrow();

            middle.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup of its own

            // The JDK polls a non-child's liveness at most every 5 s; the grandchild must then halt itself.
            await().atMost(Duration.ofSeconds(20)).until(() -> !handle.isAlive());
        } finally {
            Optional.of(grandchild).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aRedisServerStartedByAKilledJvmDoesNotOutliveIt() {
        long redis = -1;
        try (JvmProcess middle = JvmLauncher.forMainClass(OrphanMakerChild.class).start().awaitReady(STARTUP)) {
            redis = Long.parseLong(middle.request("REDIS", STARTUP).substring("PID ".length()));
            ProcessHandle handle = ProcessHandle.of(redis).orElseThrow();

            middle.toHandle().destroyForcibly(); // SIGKILL: only the orphan guardian is left to clean up

            await().atMost(Duration.ofSeconds(10)).until(() -> !handle.isAlive());
        } finally {
            Optional.of(redis).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
