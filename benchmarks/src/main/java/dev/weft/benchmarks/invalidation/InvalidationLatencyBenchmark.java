package dev.weft.benchmarks.invalidation;

import dev.weft.caching.invalidation.PublishMode;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisURI;
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

import java.util.concurrent.TimeUnit;

/**
 * End-to-end invalidation latency across two instances over a real redis-server on 127.0.0.1: from the call that
 * invalidates a key on instance A to the entry being gone from instance B's local cache ({@code Mode.SampleTime},
 * so JMH reports percentiles).
 *
 * <ul>
 *   <li>{@code lettuceAsync}, the floor the transport allows: an asynchronous PUBLISH (the call does not wait for
 *       Redis' answer) of a payload of exactly the size of Weft's message; the listener on B's connection.</li>
 *   <li>{@code weft}: {@code a.invalidate(key)} on A's {@code CacheInvalidator} (publish mode AWAIT_ACK, the default:
 *       the call returns once Redis answered the PUBLISH); B's invalidator receives the message, decodes it, checks
 *       its sequence number and removes the key from its {@code MemoryCachingBackend}.</li>
 *   <li>{@code weftSigned}: the same with a {@code messageAuthenticationKey}: every message signed on A and checked on
 *       B (HMAC-SHA256).</li>
 *   <li>{@code lettuce}: the transport alone: a synchronous PUBLISH of a payload of exactly the size of Weft's
 *       message on one client's connection; a pub/sub listener on another client's connection takes the key from
 *       the payload.</li>
 *   <li>{@code lettuceWithEcho}: the same, plus a subscriber on the publishing client that reads and drops every
 *       message, as instance A does with its own messages in Weft and Redisson (both subscribe on the sending
 *       instance too). In one JVM on few cores, that echo competes with B for the CPU.</li>
 *   <li>{@code redisson}: {@code a.fastRemove(key)} on A's {@code RLocalCachedMap} (INVALIDATE strategy: a script
 *       deletes the field and publishes the key's hash); B's map removes the key from its local cache.</li>
 * </ul>
 *
 * <p>Every variant measures the same thing the same way: the call on A, then a wait on an {@link Arrival} that B's
 * side releases once the entry is gone (Weft: a {@link SignallingBackend} around B's backend; Lettuce: the listener;
 * Redisson: B's map's {@code LocalCacheInvalidateListener}). Before each operation, outside the measured time
 * ({@code @Setup(Level.Invocation)}: its cost is not in the samples), B's local cache gets the entry (Weft: stored in
 * B's backend; Redisson: written to the hash through a plain map, which publishes nothing, then read through B's
 * map, which caches it; Lettuce has no cache) and the arrival is armed with the key. After each, B's cache is
 * checked not to hold the key. Each operation uses the next of 1024 keys of equal length.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class InvalidationLatencyBenchmark {

    @Param({"lettuceAsync", "lettuce", "lettuceWithEcho", "weft", "weftSigned", "redisson"})
    public String variant;

    private RedisServerProcess redis;
    private boolean asynchronous;
    private final Arrival arrival = new Arrival();
    private WeftInstances weft;
    private RawLettuce lettuce;
    private RedissonInstances redisson;
    private byte[][] payloads;
    private int next;
    private String key;

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        redis = RedisServerProcess.start();
        RedisURI uri = RedisURI.create(redis.uri());
        asynchronous = variant.equals("lettuceAsync");
        switch (variant) {
            case "weft":
            case "weftSigned":
                weft = new WeftInstances(uri, PublishMode.AWAIT_ACK, arrival, variant.equals("weftSigned"));
                break;
            case "lettuceAsync":
            case "lettuce":
            case "lettuceWithEcho":
                lettuce = new RawLettuce(uri, variant.equals("lettuceWithEcho"), 1, arrival);
                payloads = new byte[InvalidationKeys.COUNT][];
                for (int i = 0; i < payloads.length; i++) {
                    payloads[i] = InvalidationKeys.weftMessage(InvalidationKeys.key(i));
                }
                break;
            case "redisson":
                redisson = new RedissonInstances(redis.uri(), arrival);
                break;
            default:
                throw new IllegalArgumentException("unknown variant " + variant);
        }
    }

    /** Outside the measured time: the next key, B's entry for it, the arrival armed. */
    @Setup(Level.Invocation)
    public void prepare() {
        key = InvalidationKeys.key(next++);
        if (weft != null) {
            weft.fillB(key);
        } else if (redisson != null) {
            redisson.fillB(key);
        }
        arrival.expect(key);
    }

    @Benchmark
    public void invalidateUntilGoneOnB() throws InterruptedException {
        if (weft != null) {
            weft.a.invalidate(key);
        } else if (lettuce != null && asynchronous) {
            lettuce.publisher.async().publish(RawLettuce.CHANNEL, payloads[(next - 1) & (InvalidationKeys.COUNT - 1)]);
        } else if (lettuce != null) {
            lettuce.publisher.sync().publish(RawLettuce.CHANNEL, payloads[(next - 1) & (InvalidationKeys.COUNT - 1)]);
        } else {
            redisson.a.fastRemove(key);
        }
        arrival.await();
    }

    /** Outside the measured time: the entry really is gone from B. */
    @TearDown(Level.Invocation)
    public void check() {
        if ((weft != null && weft.bHolds(key)) || (redisson != null && redisson.bHolds(key))) {
            throw new IllegalStateException(variant + ": B still holds " + key + " after its invalidation arrived");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            if (weft != null) {
                weft.close();
            }
            if (lettuce != null) {
                lettuce.close();
            }
            if (redisson != null) {
                redisson.close();
            }
        } finally {
            redis.close();
        }
    }
}
