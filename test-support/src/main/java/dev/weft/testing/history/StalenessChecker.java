package dev.weft.testing.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The oracle of the fault tests: given the merged histories of every process ({@link HistoryRecorder} files), decides
 * whether any read returned a value older than a write that had completed more than {@code bound} before the read
 * started, and measures the worst staleness seen.
 *
 * <p>Versions of a key only grow (the database increments them), so a read is stale against a write when it returned
 * a lower version than the write's and started after the write completed. A write that never completed because its
 * process was killed counts as completed at the kill (its database change, recorded as a {@code D} line, was made
 * before the kill): the fault that matters most is the one whose invalidation never left.
 *
 * <p>Not thread-safe; built and used by one test thread.
 */
public final class StalenessChecker {

    private static final class Write {
        final long version;
        final long end;

        Write(long version, long end) {
            this.version = version;
            this.end = end;
        }
    }

    private static final class Read {
        final String process;
        final long version;
        final long start;

        Read(String process, long version, long start) {
            this.process = process;
            this.version = version;
            this.start = start;
        }
    }

    /** What the histories showed. */
    public static final class Report {
        private final long reads;
        private final long writes;
        private final long staleReads;
        private final long maxStalenessNanos;
        private final long pastBound;
        private final List<String> violations;

        Report(long reads, long writes, long staleReads, long maxStalenessNanos, long pastBound,
               List<String> violations) {
            this.reads = reads;
            this.writes = writes;
            this.staleReads = staleReads;
            this.maxStalenessNanos = maxStalenessNanos;
            this.pastBound = pastBound;
            this.violations = violations;
        }

        public long reads() {
            return reads;
        }

        public long writes() {
            return writes;
        }

        /** Reads that returned a value older than some write completed before they started (within the bound). */
        public long staleReads() {
            return staleReads;
        }

        /** The longest time from a write's completion to the start of a read that still missed it. */
        public Duration maxStaleness() {
            return Duration.ofNanos(maxStalenessNanos);
        }

        /** Reads stale for longer than the bound. */
        public long readsPastTheBound() {
            return pastBound;
        }

        /** The first reads stale for longer than the bound, described (at most 20). */
        public List<String> violations() {
            return violations;
        }

        @Override
        public String toString() {
            return String.format("%,d reads and %,d writes; %,d reads missed a completed write, for at most %d ms; "
                    + "%d past the bound", reads, writes, staleReads,
                    TimeUnit.NANOSECONDS.toMillis(maxStalenessNanos), pastBound);
        }
    }

    private final Map<String, List<Write>> writes = new HashMap<>();
    private final List<Map.Entry<String, Read>> reads = new ArrayList<>();
    private long writeCount;

    /**
     * Adds a process's history.
     *
     * @param killedAtNanos when the process was killed ({@link System#nanoTime()}), or {@code Long.MAX_VALUE}: its
     *                      database changes without a completed write count as writes completed then
     */
    public StalenessChecker add(String process, Path history, long killedAtNanos) {
        Map<String, Long> pending = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 4) {
                continue; // a line cut short by a kill
            }
            String key = f[1];
            long version = Long.parseLong(f[2]);
            switch (f[0]) {
                case "W":
                    if (f.length < 5) {
                        continue;
                    }
                    writes.computeIfAbsent(key, k -> new ArrayList<>()).add(new Write(version, Long.parseLong(f[4])));
                    writeCount++;
                    pending.remove(key + ' ' + version);
                    break;
                case "D":
                    pending.put(key + ' ' + version, Long.parseLong(f[3]));
                    break;
                case "R":
                    reads.add(Map.entry(key, new Read(process, version, Long.parseLong(f[3]))));
                    break;
                default:
                    break;
            }
        }
        if (killedAtNanos != Long.MAX_VALUE) {
            for (String keyAndVersion : pending.keySet()) {
                String[] kv = keyAndVersion.split(" ");
                writes.computeIfAbsent(kv[0], k -> new ArrayList<>())
                        .add(new Write(Long.parseLong(kv[1]), killedAtNanos));
                writeCount++;
            }
        }
        return this;
    }

    /** Adds every history file of {@code processes} (name to file), none of them killed. */
    public StalenessChecker addAll(Map<String, Path> processes) {
        processes.forEach((name, file) -> add(name, file, Long.MAX_VALUE));
        return this;
    }

    /** Judges every read against {@code bound}. */
    public Report check(Duration bound) {
        long boundNanos = bound.toNanos();
        Map<String, List<Write>> byEnd = new HashMap<>();
        writes.forEach((key, list) -> {
            List<Write> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingLong(w -> w.end));
            byEnd.put(key, sorted);
        });
        long stale = 0;
        long worst = 0;
        long pastBound = 0;
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Read> e : reads) {
            List<Write> ws = byEnd.get(e.getKey());
            if (ws == null) {
                continue;
            }
            Read r = e.getValue();
            // the earliest-completed write, before the read started, that the read missed
            long missedSince = Long.MAX_VALUE;
            for (Write w : ws) {
                if (w.end - r.start >= 0) {
                    break;
                }
                if (w.version > r.version) {
                    missedSince = w.end;
                    break;
                }
            }
            if (missedSince == Long.MAX_VALUE) {
                continue;
            }
            stale++;
            long staleness = r.start - missedSince;
            worst = Math.max(worst, staleness);
            if (staleness > boundNanos && pastBound++ < 20) {
                violations.add(String.format("%s read %s = %d, %d ms after a write of a newer version completed",
                        r.process, e.getKey(), r.version, TimeUnit.NANOSECONDS.toMillis(staleness)));
            }
        }
        return new Report(reads.size(), writeCount, stale, worst, pastBound, violations);
    }

    /** How many reads were recorded. */
    public int readCount() {
        return reads.size();
    }
}
