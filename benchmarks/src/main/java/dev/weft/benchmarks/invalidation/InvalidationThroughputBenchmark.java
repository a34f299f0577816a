package dev.weft.benchmarks.invalidation;

import io.lettuce.core.api.StatefulRedisConnection;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * Invalidations per second from 8 threads, each waiting for Redis' acknowledgement of its own invalidation before it
 * makes the next: Weft with AWAIT_ACK, whose sender has one message in flight and packs the invalidations that arrive
 * meanwhile into the next one (group commit), against a synchronous PUBLISH per invalidation on one shared Lettuce
 * connection and on a connection per thread. The secondary counters tell how many PUBLISH commands Redis executed
 * (and, for Weft, how many messages and invalidations it counted as sent). See {@link PublishingSide}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(8)
public class InvalidationThroughputBenchmark {

    /** The variant, over its own redis-server. */
    @State(Scope.Benchmark)
    public static class Side extends PublishingSide {

        @Param({"lettuceSharedConnection", "lettuceConnectionPerThread", "weftAwaitAck"})
        public String variant;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            open(variant);
        }

        @TearDown(Level.Trial)
        public void stop() {
            close();
        }
    }

    /** A thread's keys (its own stretch of them) and connection. */
    @State(Scope.Thread)
    public static class Sender {
        int next;
        StatefulRedisConnection<byte[], byte[]> connection;

        @Setup(Level.Trial)
        public void setUp(Side side, ThreadParams thread) {
            next = thread.getThreadIndex() * (InvalidationKeys.COUNT / 8);
            connection = side.connectionForThread();
        }
    }

    /** Totals per iteration; see {@link WireCount}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Sent {
        public long invalidations;
        public long publishes;
        public long weftMessages;
        public long weftOperations;
        private WireCount start;

        @Setup(Level.Iteration)
        public void begin(Side side, ThreadParams thread) {
            start = thread.getThreadIndex() == 0 ? new WireCount(side) : null;
        }

        @TearDown(Level.Iteration)
        public void end() {
            if (start != null) {
                publishes = start.publishesSince();
                weftMessages = start.weftMessagesSince();
                weftOperations = start.weftOperationsSince();
            }
        }
    }

    @Benchmark
    public void invalidate(Side side, Sender sender, Sent sent) {
        side.invalidate(sender.next++, sender.connection);
        sent.invalidations++;
    }
}
