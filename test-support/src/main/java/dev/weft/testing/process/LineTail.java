package dev.weft.testing.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The last lines of some output, kept to explain failures: either a bounded in-memory ring that a reader thread
 * appends to, or (statically) the tail of a log file.
 *
 * <p>Instances are thread-safe: one thread may {@link #add} while others take {@link #lines() snapshots}.
 */
public final class LineTail {

    private final int capacity;
    private final ArrayDeque<String> lines;
    private long total;

    /** A ring keeping the last {@code capacity} lines. */
    public LineTail(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(Math.min(capacity, 256));
    }

    /** Appends a line, evicting the oldest one when full. */
    public synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
        total++;
        notifyAll();
    }

    /**
     * Waits until a kept line satisfies {@code condition}, at most {@code timeout}; returns whether one did.
     * (Lines are matched as they are kept, so a line already evicted does not count.)
     */
    public synchronized boolean awaitMatch(Predicate<String> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().noneMatch(condition)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A snapshot of the kept lines, oldest first. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** How many lines were ever added (kept or evicted). */
    public synchronized long total() {
        return total;
    }

    /** The kept lines, each indented and prefixed with {@code "| "}, or {@code "(none)"}. */
    public String format(String indent) {
        return format(indent, capacity);
    }

    /** Like {@link #format(String)}, limited to the last {@code maxLines} lines. */
    public String format(String indent, int maxLines) {
        List<String> snapshot;
        long seen;
        synchronized (this) {
            snapshot = List.copyOf(lines);
            seen = total;
        }
        return format(snapshot.subList(Math.max(0, snapshot.size() - maxLines), snapshot.size()), seen, indent);
    }

    /**
     * The last {@code maxLines} lines of {@code file} from byte {@code fromOffset} on (use 0 for the whole file),
     * formatted like {@link #format(String)}. Reads at most the last 64 KiB; never throws (an unreadable file is
     * described instead, since this only ever serves an error message).
     */
    public static String ofFile(Path file, long fromOffset, int maxLines, String indent) {
        try {
            if (!Files.exists(file)) {
                return indent + "(no output: " + file + " does not exist)";
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long length = raf.length();
                long start = Math.max(Math.max(0, fromOffset), length - 64 * 1024);
                byte[] bytes = new byte[(int) Math.max(0, length - start)];
                raf.seek(start);
                raf.readFully(bytes);
                List<String> all = new ArrayList<>(Arrays.asList(
                        new String(bytes, StandardCharsets.UTF_8).split("\\R")));
                all.removeIf(String::isEmpty);
                List<String> kept = all.subList(Math.max(0, all.size() - maxLines), all.size());
                return format(kept, all.size(), indent);
            }
        } catch (IOException | RuntimeException e) {
            return indent + "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String format(List<String> kept, long seen, String indent) {
        if (kept.isEmpty()) {
            return indent + "(none)";
        }
        StringBuilder out = new StringBuilder();
        if (seen > kept.size()) {
            out.append(indent).append("| ... (").append(seen - kept.size()).append(" earlier lines omitted)\n");
        }
        for (String line : kept) {
            out.append(indent).append("| ").append(line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }
}
