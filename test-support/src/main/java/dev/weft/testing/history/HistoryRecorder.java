package dev.weft.testing.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records, in one process, every operation of a history as a line of a file, flushed at once so that a process
 * killed with SIGKILL leaves every operation it completed (and the database changes it made) on disk. Times are
 * {@link System#nanoTime()}, which on Linux is one clock for every process of the machine (CLOCK_MONOTONIC), so
 * that histories of several JVMs can be merged.
 *
 * <pre>
 * W key version startNanos endNanos   a write completed: the database holds version (and it was invalidated)
 * D key version nanos                 a write's database change, made before the write completed
 * R key version startNanos endNanos   a read returned version
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class HistoryRecorder implements AutoCloseable {

    private final BufferedWriter out;

    public HistoryRecorder(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(String key, long version, long startNanos, long endNanos) {
        line("W " + key + ' ' + version + ' ' + startNanos + ' ' + endNanos);
    }

    /** The database holds {@code version} from now on, although the write has not completed. */
    public void databaseChanged(String key, long version, long nanos) {
        line("D " + key + ' ' + version + ' ' + nanos);
    }

    public void read(String key, long version, long startNanos, long endNanos) {
        line("R " + key + ' ' + version + ' ' + startNanos + ' ' + endNanos);
    }

    private synchronized void line(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
