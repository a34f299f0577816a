package dev.weft.testing.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A watchdog that outlives this JVM just long enough to kill the processes it left behind.
 *
 * <p>It is one {@code sh} process per JVM whose stdin is a pipe from this JVM. Nothing is ever written to it: when
 * this JVM dies - in any way, SIGKILL included - the kernel closes the pipe, {@code cat} sees end-of-file, and the
 * script kills every pid still listed in this JVM's pid file. That needs no polling and no native code. On Linux a
 * pid is only killed if {@code /proc/<pid>/exe} still names the executable we started, so a recycled pid is safe.
 *
 * <p>Started lazily, at most once; if {@code sh} is unavailable (Windows) it logs once and does nothing, leaving
 * the shutdown hook as the only cleanup. Java closes every inherited file descriptor in the processes it starts,
 * so no other child holds the pipe open.
 */
final class OrphanGuardian {

    private static final String SCRIPT = String.join("\n",
            "cat > /dev/null",                          // returns when the JVM's end of the pipe is closed
            "[ -f \"$1\" ] || exit 0",
            "while read -r pid exe; do",
            "  [ -n \"$pid\" ] || continue",
            "  if [ -d /proc/self ]; then",
            "    actual=$(readlink \"/proc/$pid/exe\" 2>/dev/null) || continue",
            // A deleted-and-replaced binary reads as '<path> (deleted)', hence the prefix match.
            "    case \"$actual\" in \"$exe\"*) kill -9 \"$pid\" 2>/dev/null ;; esac",
            "  else",
            "    kill -9 \"$pid\" 2>/dev/null",
            "  fi",
            "done < \"$1\"",
            "rm -f \"$1\"",
            "");

    private static Path pidFile;
    private static Process guardian;
    private static OutputStream pipe; // held so that it is closed only when this JVM dies

    private OrphanGuardian() {
    }

    static synchronized void start() {
        if (guardian != null || pidFile != null) {
            return;
        }
        try {
            pidFile = TestDirectories.category("guardian").resolve("jvm-" + ProcessHandle.current().pid() + ".pids");
            Files.deleteIfExists(pidFile);
            guardian = new ProcessBuilder("sh", "-c", SCRIPT, "weft-orphan-guardian", pidFile.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            pipe = guardian.getOutputStream();
        } catch (IOException | RuntimeException e) {
            ProcessReaper.log().warn("cannot start the orphan guardian (no 'sh'?): processes left by a JVM that "
                    + "crashes will not be cleaned up; the shutdown hook still covers normal exits", e);
            guardian = null;
        }
    }

    /** Rewrites the pid file with the processes registered now. Best effort: failures are logged. */
    static synchronized void update(List<ProcessReaper.Registration> registrations) {
        if (guardian == null) {
            return;
        }
        StringBuilder content = new StringBuilder();
        for (ProcessReaper.Registration registration : registrations) {
            content.append(registration.handle.pid()).append(' ').append(registration.executable).append('\n');
        }
        try {
            Path temp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            // Atomic, so the guardian never reads a half-written list.
            Files.move(temp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ProcessReaper.log().warn("cannot update the orphan guardian's pid file {}", pidFile, e);
        }
    }
}
