package dev.weft.benchmarks.invalidation;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.testing.jvm.JvmLauncher;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end invalidation latency across two processes over a real redis-server on 127.0.0.1: instance A in this JVM,
 * instance B in another (a {@link CrossProcessPeer}), from the moment A's call starts to the moment the entry is gone
 * on B, both read from {@link System#nanoTime()}, which on Linux is one clock for every process (CLOCK_MONOTONIC).
 *
 * <ul>
 *   <li>{@code lettuceAsync}, the floor the transport allows: an asynchronous PUBLISH of a payload of exactly Weft's
 *       message size on a raw Lettuce connection; B's time is taken in its pub/sub listener.</li>
 *   <li>{@code weft}: {@code a.invalidate(key)} on A's {@code CacheInvalidator} (AWAIT_ACK, heartbeats on); B's time
 *       is taken when its memory backend has removed the entry.</li>
 *   <li>{@code weftSigned}: the same with a {@code messageAuthenticationKey} (every message signed and checked).</li>
 * </ul>
 *
 * <p>B writes its time into a slot of a memory-mapped file that A zeroed before the call ({@link SharedSlots}); A
 * waits for it with short parks (not spinning: on two cores a spinning waiter would take B's CPU), which does not
 * change the measured span, only when the next operation starts. Operations run one after the other, each on the
 * next of 1024 keys. Results go to {@code invalidation-cross-process.json} in JMH's JSON shape (one "fork" per
 * variant, SampleTime-like percentiles in µs), which the report reads beside the JMH results.
 *
 * <p>Arguments: results directory, warm-up operations, measured operations.
 */
public final class CrossProcessLatency {

    static final String BENCHMARK = "dev.weft.benchmarks.invalidation.CrossProcessLatency.invalidateUntilGoneOnB";
    static final List<String> VARIANTS = List.of("lettuceAsync", "weft", "weftSigned");
    private static final byte[] KEY = "benchmark key: thirty-two bytes!".getBytes(StandardCharsets.UTF_8);
    private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private CrossProcessLatency() {
    }

    /** Both instances' options: the benchmark channel, heartbeats as by default, a key when signed. */
    static RedisCacheInvalidatorOptions options(boolean signed) {
        RedisCacheInvalidatorOptions.Builder b = RedisCacheInvalidatorOptions.builder().channel(WeftInstances.CHANNEL);
        if (signed) {
            b.messageAuthenticationKey(KEY);
        }
        return b.build();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int measured = Integer.parseInt(args[2]);
        Files.createDirectories(out);
        List<Map<String, Object>> results = new ArrayList<>();
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            for (String variant : VARIANTS) {
                long[] micros10 = run(variant, redis, warmup, measured);
                results.add(result(variant, micros10, warmup, measured));
                System.out.printf(Locale.ROOT, "CrossProcessLatency %-12s p50 %7.1f µs  p90 %7.1f  p99 %7.1f  "
                                + "p99.9 %7.1f  (%d operations)%n", variant, percentile(micros10, 50) / 10.0,
                        percentile(micros10, 90) / 10.0, percentile(micros10, 99) / 10.0,
                        percentile(micros10, 99.9) / 10.0, micros10.length);
            }
        }
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        Files.writeString(out.resolve("invalidation-cross-process.json"), gson.toJson(results));
    }

    /** Latencies of the measured operations, in tenths of a microsecond, sorted. */
    private static long[] run(String variant, RedisServerProcess redis, int warmup, int measured) throws Exception {
        Path slotFile = Files.createTempFile("weft-cross-process", ".slots");
        SharedSlots slots = new SharedSlots(slotFile);
        RedisURI uri = RedisURI.create(redis.uri());
        try (JvmProcess b = JvmLauncher.forMainClass(CrossProcessPeer.class)
                .args(variant, redis.uri(), slotFile.toString())
                .jvmArgs("-Xmx256m")
                .start()
                .awaitReady(Duration.ofSeconds(60))) {
            Publisher a = variant.equals("lettuceAsync") ? new LettucePublisher(uri)
                    : new WeftPublisher(uri, variant.equals("weftSigned"));
            try {
                long[] tenths = new long[measured];
                for (int op = 0; op < warmup + measured; op++) {
                    int slot = op & (InvalidationKeys.COUNT - 1);
                    slots.clear(slot);
                    long start = System.nanoTime();
                    a.invalidate(slot);
                    long gone = awaitSlot(slots, slot, start);
                    if (op >= warmup) {
                        tenths[op - warmup] = (gone - start) / 100;
                    }
                }
                Arrays.sort(tenths);
                return tenths;
            } finally {
                a.close();
            }
        } finally {
            Files.deleteIfExists(slotFile);
        }
    }

    private static long awaitSlot(SharedSlots slots, int slot, long start) {
        long gone;
        while ((gone = slots.get(slot)) == 0) {
            if (System.nanoTime() - start > WAIT_LIMIT_NANOS) {
                throw new IllegalStateException("the invalidation of slot " + slot + " did not reach instance B");
            }
            LockSupport.parkNanos(20_000);
        }
        return gone;
    }

    private interface Publisher extends AutoCloseable {
        void invalidate(int slot);

        @Override
        void close();
    }

    private static final class LettucePublisher implements Publisher {
        private final RedisClient client = RedisClient.create();
        private final StatefulRedisConnection<byte[], byte[]> connection;
        private final byte[][] payloads = new byte[InvalidationKeys.COUNT][];

        LettucePublisher(RedisURI uri) {
            connection = client.connect(ByteArrayCodec.INSTANCE, uri);
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = InvalidationKeys.weftMessage(InvalidationKeys.key(i));
            }
        }

        @Override
        public void invalidate(int slot) {
            connection.async().publish(RawLettuce.CHANNEL, payloads[slot]);
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    private static final class WeftPublisher implements Publisher {
        private final CacheInvalidator a;

        WeftPublisher(RedisURI uri, boolean signed) throws InterruptedException {
            a = RedisCacheInvalidator.create(MemoryCachingBackend.builder().maximumSize(10_000).build(), uri,
                    options(signed));
            if (!a.awaitConnected(Duration.ofSeconds(20))) {
                throw new IllegalStateException("not subscribed: " + a.status());
            }
        }

        @Override
        public void invalidate(int slot) {
            a.invalidate(InvalidationKeys.key(slot));
        }

        @Override
        public void close() {
            a.close();
        }
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.max(1, Math.ceil(p / 100 * sorted.length));
        return sorted[rank - 1];
    }

    /** One result in the shape of JMH's JSON (what {@code JmhResults} reads). */
    private static Map<String, Object> result(String variant, long[] tenths, int warmup, int measured) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("jmhVersion", "none (CrossProcessLatency)");
        r.put("benchmark", BENCHMARK);
        r.put("mode", "sample");
        r.put("threads", 1);
        r.put("forks", 1);
        r.put("jvm", System.getProperty("java.home"));
        r.put("jdkVersion", System.getProperty("java.version"));
        r.put("vmName", System.getProperty("java.vm.name"));
        r.put("vmVersion", System.getProperty("java.vm.version"));
        r.put("warmupIterations", 1);
        r.put("warmupTime", warmup + " operations");
        r.put("measurementIterations", 1);
        r.put("measurementTime", measured + " operations");
        r.put("params", Map.of("variant", variant));
        Map<String, Object> primary = new LinkedHashMap<>();
        double mean = Arrays.stream(tenths).average().orElse(Double.NaN) / 10.0;
        primary.put("score", mean);
        primary.put("scoreError", "NaN");
        Map<String, Double> percentiles = new LinkedHashMap<>();
        for (double p : new double[] {0.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
            percentiles.put(Double.toString(p), (p == 0 ? tenths[0] : percentile(tenths, p)) / 10.0);
        }
        primary.put("scorePercentiles", percentiles);
        primary.put("scoreUnit", "us/op");
        TreeMap<Long, Long> histogram = new TreeMap<>();
        for (long t : tenths) {
            histogram.merge(t, 1L, Long::sum);
        }
        List<List<Object>> bins = new ArrayList<>();
        histogram.forEach((value, count) -> bins.add(List.of(value / 10.0, count)));
        primary.put("rawDataHistogram", List.of(List.of(bins)));
        r.put("primaryMetric", primary);
        r.put("secondaryMetrics", Map.of());
        return r;
    }
}
