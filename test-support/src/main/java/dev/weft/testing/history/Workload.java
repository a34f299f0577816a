package dev.weft.testing.history;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * The operations one process of a fault test runs against its cache, recorded for the {@link StalenessChecker}: reads
 * of a few keys through a cached method, and, when it writes, a write of a random key every {@code writeEvery}
 * (a database change then an invalidation, as an {@code @InvalidateCache} method does). Runs on its own daemon
 * thread from {@link #start} to {@link #stop}; a read or write that throws is not recorded (the test sees it as a
 * gap in the history, never as a stale read).
 *
 * <p>Pacing is {@link LockSupport#parkNanos}: it spaces operations, it synchronizes nothing.
 */
public final class Workload {

    private final String[] keys;
    private final ToLongFunction<String> read;
    private final ToLongFunction<String> write;
    private final HistoryRecorder history;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile long reads;
    private volatile long writes;
    private volatile long failures;

    /**
     * @param read  the cached read: returns the version it saw
     * @param write the write: changes the database (returning the new version) and invalidates
     */
    public Workload(String[] keys, ToLongFunction<String> read, ToLongFunction<String> write,
                    HistoryRecorder history) {
        this.keys = keys.clone();
        this.read = read;
        this.write = write;
        this.history = history;
    }

    /**
     * Starts: a read every {@code readEveryMicros}, and a write every {@code writeEveryMillis} (0: never).
     */
    public synchronized void start(long readEveryMicros, long writeEveryMillis) {
        if (running) {
            throw new IllegalStateException("already running");
        }
        running = true;
        Thread t = new Thread(() -> run(readEveryMicros, writeEveryMillis), "workload");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run(long readEveryMicros, long writeEveryMillis) {
        long nextWrite = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(writeEveryMillis);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            String key = keys[random.nextInt(keys.length)];
            long now = System.nanoTime();
            try {
                if (writeEveryMillis > 0 && now - nextWrite >= 0) {
                    nextWrite = now + TimeUnit.MILLISECONDS.toNanos(writeEveryMillis);
                    long start = System.nanoTime();
                    long version = write.applyAsLong(key);
                    history.write(key, version, start, System.nanoTime());
                    writes++;
                } else {
                    long start = System.nanoTime();
                    long version = read.applyAsLong(key);
                    history.read(key, version, start, System.nanoTime());
                    reads++;
                }
            } catch (RuntimeException e) {
                failures++;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(readEveryMicros));
        }
    }

    /** Stops and waits for the thread to finish its operation in progress. */
    public void stop() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.join(30_000);
        }
    }

    /** "reads writes failures", for the test's log. */
    public String counts() {
        return reads + " " + writes + " " + failures;
    }
}
