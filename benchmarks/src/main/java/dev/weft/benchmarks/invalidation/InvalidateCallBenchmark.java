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
 * How long {@code invalidate(key)} takes to return on one thread, in each publish mode: AWAIT_ACK (returns once
 * Redis answered the PUBLISH of the message carrying it) and FIRE_AND_FORGET (returns once it is queued; the message
 * goes out in the background), next to a synchronous raw PUBLISH of a Weft-sized payload with Lettuce. See
 * {@link PublishingSide}; the counters are those of {@link InvalidationThroughputBenchmark}. FIRE_AND_FORGET's queue
 * is drained between calls, outside the measured time, whenever it exceeds a thousand invalidations.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class InvalidateCallBenchmark {

    /** The variant, over its own redis-server. */
    @State(Scope.Benchmark)
    public static class Side extends PublishingSide {

        @Param({"lettuceSharedConnection", "weftAwaitAck", "weftFireAndForget"})
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

    /** The thread's key cursor and connection. */
    @State(Scope.Thread)
    public static class Sender {
        int next;
        StatefulRedisConnection<byte[], byte[]> connection;

        @Setup(Level.Trial)
        public void setUp(Side side) {
            connection = side.connectionForThread();
        }

        /**
         * Outside the measured time, every 256 calls: keeps FIRE_AND_FORGET's queue short (see
         * {@link PublishingSide#drainBacklog()}). With a {@code Level.Invocation} fixture JMH times every call on its
         * own, in every variant alike; a clock read costs some 25 ns, in the noise of the AWAIT_ACK and raw calls but
         * not of a FIRE_AND_FORGET call, which is why that one is best read as "below a microsecond".
         */
        @Setup(Level.Invocation)
        public void keepQueueShort(Side side) throws InterruptedException {
            if ((next & 255) == 0) {
                side.drainBacklog();
            }
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
