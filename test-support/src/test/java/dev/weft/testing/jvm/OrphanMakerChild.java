package dev.weft.testing.jvm;

import dev.weft.testing.redis.RedisServerProcess;
import java.nio.file.Path;

/**
 * A child main that starts processes and then gets killed by the test without a chance to clean up:
 * {@code REDIS} starts a redis-server the usual way (so only the orphan guardian can clean it up), {@code JVM}
 * starts a {@link LingeringChild} with a bare {@link ProcessBuilder} (so only the grandchild's parent watchdog can).
 */
public final class OrphanMakerChild {

    private OrphanMakerChild() {
    }

    public static void main(String[] args) {
        ChildChannel channel = ChildChannel.open();
        channel.ready();
        channel.serve(command -> {
            switch (command) {
                case "REDIS":
                    return "PID " + RedisServerProcess.start().pid();
                case "JVM": {
                    Process grandchild = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-D" + ChildChannel.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
                            "-cp", System.getProperty("java.class.path"), LingeringChild.class.getName())
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    return "PID " + grandchild.pid();
                }
                default:
                    throw new IllegalArgumentException(command);
            }
        });
    }
}
