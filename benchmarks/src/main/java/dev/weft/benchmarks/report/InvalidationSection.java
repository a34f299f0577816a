package dev.weft.benchmarks.report;

import dev.weft.benchmarks.invalidation.InvalidationKeys;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Part 3 of the report: invalidation across two instances over a real redis-server, from the results of
 * {@code dev.weft.benchmarks.invalidation} ({@code invalidation.json}). Every sentence that states a number or a
 * comparison computes it from those results; the fixed sentences describe what the benchmarks do.
 */
final class InvalidationSection {

    static final String LATENCY = "InvalidationLatencyBenchmark.invalidateUntilGoneOnB";
    static final String THROUGHPUT = "InvalidationThroughputBenchmark.invalidate";
    static final String CALL = "InvalidateCallBenchmark.invalidate";
    static final String CROSS_PROCESS = "CrossProcessLatency.invalidateUntilGoneOnB";
    private static final List<String> LATENCY_VARIANTS =
            List.of("lettuceAsync", "lettuce", "lettuceWithEcho", "weft", "weftSigned", "redisson");
    private static final List<String> CROSS_PROCESS_VARIANTS = List.of("lettuceAsync", "weft", "weftSigned");
    private static final List<String> THROUGHPUT_VARIANTS =
            List.of("lettuceSharedConnection", "lettuceConnectionPerThread", "weftAwaitAck");
    private static final List<String> CALL_VARIANTS =
            List.of("lettuceSharedConnection", "weftAwaitAck", "weftFireAndForget");

    private final PerformanceReport r;
    private final JmhResults results;

    private InvalidationSection(PerformanceReport r, JmhResults results) {
        this.r = r;
        this.results = results;
    }

    // ---- targets, for the report's first section ------------------------------------------------------------------

    /** The invalidation rows of the targets table: nothing when the stage was not run. */
    static void targets(PerformanceReport r, JmhResults results) {
        new InvalidationSection(r, results).targets();
    }

    private void targets() {
        Optional<Measurement> weft = latency("weft");
        Optional<Measurement> raw = latency("lettuce");
        Optional<Measurement> batched = throughput("weftAwaitAck");
        Optional<Measurement> rawPublish = bestRawThroughput();
        if (weft.isEmpty() || raw.isEmpty()) {
            return;
        }
        r.line("Invalidation across instances over Redis: latency from `invalidate` on instance A to the entry "
                + "being gone on instance B, against raw Lettuce pub/sub of a message of the same size; and "
                + "invalidations per second from 8 threads with group commit, against a raw PUBLISH per invalidation.");
        r.line();
        r.line("| target | measured | met |");
        r.line("|---|---|---|");
        double p50 = weft.get().percentile(50) / raw.get().percentile(50);
        double p99 = weft.get().percentile(99) / raw.get().percentile(99);
        r.line(String.format(Locale.ROOT, "| latency p50 ≤ 1.2 × raw Lettuce | %.2f × (%s vs %s µs) | %s |", p50,
                num(weft.get().percentile(50)), num(raw.get().percentile(50)), met(p50 <= 1.2)));
        r.line(String.format(Locale.ROOT, "| latency p99 ≤ 1.5 × raw Lettuce | %.2f × (%s vs %s µs) | %s |", p99,
                num(weft.get().percentile(99)), num(raw.get().percentile(99)), met(p99 <= 1.5)));
        floorRows(latency("lettuceAsync"), weft, "one process");
        floorRows(crossProcess("lettuceAsync"), crossProcess("weft"), "two processes");
        if (batched.isPresent() && rawPublish.isPresent()) {
            double ratio = batched.get().score() / rawPublish.get().score();
            r.line(String.format(Locale.ROOT, "| batched invalidations/s ≥ raw PUBLISH/s (8 threads) | %.2f × "
                            + "(%s vs %s/s, `%s`) | %s |", ratio, num(batched.get().score()),
                    num(rawPublish.get().score()), rawPublish.get().variant(), met(ratio >= 1)));
        }
        r.line();
        List<Double> weftForks = weft.get().forkPercentile(50);
        List<Double> rawForks = raw.get().forkPercentile(50);
        if (weftForks.size() > 1 && rawForks.size() > 1) {
            double low = weftForks.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)
                    / rawForks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            double high = weftForks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)
                    / rawForks.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            if (low <= 1.2 && high > 1.2) {
                r.line(String.format(Locale.ROOT, "The latency verdicts are fragile: the medians of single forks "
                        + "pair up to ratios from %.2f × to %.2f × (see part 3).", low, high));
                r.line();
            }
        }
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    // ---- the section ----------------------------------------------------------------------------------------------

    static void write(PerformanceReport r, JmhResults results) throws IOException {
        new InvalidationSection(r, results).write();
    }

    private void write() throws IOException {
        r.line("## 3. Invalidation across instances (Redis)");
        r.line();
        if (results.isEmpty()) {
            r.line("Not run (`results/invalidation.json` is missing).");
            r.line();
            return;
        }
        r.line("Every benchmark starts its own `redis-server` on 127.0.0.1 (the test-support module's "
                + "`RedisServerProcess`, a binary from a Maven artifact) and stops it after the trial. \"Instance A\" and "
                + "\"instance B\" are two independent clients in the one benchmark JVM, each with its own Lettuce "
                + "`RedisClient` (own event loop) and connections: Weft's are two `CacheInvalidator`s made by "
                + "`RedisCacheInvalidator.create(local, uri, options)` over two `MemoryCachingBackend`s, on one "
                + "channel. Redis, both instances and the benchmark thread share the machine's "
                + r.environment("nproc", "?") + " cores, so each latency below includes the wake-ups of the threads "
                + "involved.");
        r.line();
        latencySection();
        throughputSection();
        callSection();
        reading();
    }

    /** The issue 14 targets against the floor the transport allows (asynchronous PUBLISH to the listener). */
    private void floorRows(Optional<Measurement> floor, Optional<Measurement> weft, String where) {
        if (floor.isEmpty() || weft.isEmpty()) {
            return;
        }
        double p50 = weft.get().percentile(50) / floor.get().percentile(50);
        double p99 = weft.get().percentile(99) / floor.get().percentile(99);
        r.line(String.format(Locale.ROOT, "| latency p50 ≤ 2 × the floor (async PUBLISH → listener), %s | %.2f × "
                + "(%s vs %s µs) | %s |", where, p50, num(weft.get().percentile(50)),
                num(floor.get().percentile(50)), met(p50 <= 2)));
        r.line(String.format(Locale.ROOT, "| latency p99 ≤ 1.5 × the floor, %s | %.2f × (%s vs %s µs) | %s |", where,
                p99, num(weft.get().percentile(99)), num(floor.get().percentile(99)), met(p99 <= 1.5)));
    }

    private void latencySection() throws IOException {
        r.line("### End-to-end latency");
        r.line();
        r.line(String.format(Locale.ROOT, "From the call on A to the entry being gone on B, JMH SampleTime, 1 thread. "
                + "Every message is %d bytes: Weft's encoding of one key invalidation (a %d-byte canonical key of "
                + "`getProduct`), and the raw variants publish a payload of exactly that size. How B's removal is "
                + "detected, the same way for all: each operation arms a `CountDownLatch` with its key before it "
                + "starts; B's side counts it down once the entry is gone, on B's thread, and the benchmark thread "
                + "waits on it.", InvalidationKeys.messageBytes(),
                InvalidationKeys.key(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        r.line();
        r.line("- `lettuceAsync`, the floor the transport allows: an asynchronous `PUBLISH` (the call does not wait "
                + "for Redis' answer) on one client's connection; a `RedisPubSubListener` on another client's "
                + "connection reads the key from the payload and counts down.");
        r.line("- `lettuce`, the baseline: the same with a synchronous `PUBLISH`.");
        r.line("- `lettuceWithEcho`: the same, plus a subscriber on the publishing client that reads and drops every "
                + "message. Weft's and Redisson's sending instance is subscribed to its own channel too and gets its "
                + "own messages back; this row is raw Lettuce with that same topology.");
        r.line("- `weft`: `a.invalidate(key)` (publish mode AWAIT_ACK, the default: it returns once Redis answered "
                + "the `PUBLISH`); B's `CacheInvalidator` decodes the message, checks the sender's sequence number and "
                + "calls `invalidate(key)` on its backend, a small decorator around B's `MemoryCachingBackend` that "
                + "counts down once the wrapped `invalidate` has returned. Heartbeats are on, as by default.");
        r.line("- `weftSigned`: the same with a `messageAuthenticationKey`: A signs every message and B checks it "
                + "(HMAC-SHA256).");
        r.line("- `redisson`: `a.fastRemove(key)` on an `RLocalCachedMap` (`SyncStrategy.INVALIDATE`, Redisson "
                + r.redissonVersion() + "); B's map removes the key from its local cache and calls its "
                + "`LocalCacheInvalidateListener`, which counts down. Redisson publishes a hash of the key, not the "
                + "key, so its messages are smaller than Weft's.");
        r.line();
        r.line("Before each operation, outside the measured time (`@Setup(Level.Invocation)`): the next of 1024 keys "
                + "is chosen; B's cache gets the entry (Weft: stored in B's backend; Redisson: written to the hash "
                + "through a plain `RMap`, which publishes nothing, then read through B's map, which caches it); the "
                + "latch is armed. After each, B's cache is checked not to hold the key.");
        r.line();
        r.line("| variant | samples | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs | p50 ÷ lettuce | p99 ÷ lettuce "
                + "| p50 ÷ floor | p99 ÷ floor | each fork's p50 | each fork's p99 |");
        r.line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Optional<Measurement> raw = latency("lettuce");
        Optional<Measurement> floor = latency("lettuceAsync");
        SvgBarChart chart = new SvgBarChart("Invalidation latency, A's call to B's removal (lower is better)", "µs")
                .series("p50", PerformanceReport.GET_PRODUCT_COLOR)
                .series("p90", PerformanceReport.SEARCH_COLOR)
                .series("p99", "#59a14f");
        for (String variant : LATENCY_VARIANTS) {
            Optional<Measurement> m = latency(variant);
            if (m.isEmpty()) {
                continue;
            }
            Measurement l = m.get();
            r.line(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                    bold(variant), l.samples(), num(l.percentile(50)), num(l.percentile(90)), num(l.percentile(99)),
                    num(l.percentile(99.9)), num(l.score()),
                    raw.map(b -> ratio(l.percentile(50) / b.percentile(50))).orElse("–"),
                    raw.map(b -> ratio(l.percentile(99) / b.percentile(99))).orElse("–"),
                    floor.map(b -> ratio(l.percentile(50) / b.percentile(50))).orElse("–"),
                    floor.map(b -> ratio(l.percentile(99) / b.percentile(99))).orElse("–"),
                    forks(l.forkPercentile(50)), forks(l.forkPercentile(99))));
            chart.group(variant, l.percentile(50), l.percentile(90), l.percentile(99));
        }
        r.line();
        r.writeChart("invalidation-latency.svg", chart);
        r.line("![invalidation latency](" + r.resultsLink("invalidation-latency.svg") + ")");
        r.line();
        crossProcessSection();
    }

    private void crossProcessSection() {
        if (crossProcess("weft").isEmpty()) {
            return;
        }
        r.line("### End-to-end latency across two processes");
        r.line();
        r.line("Instance A in the benchmark JVM, instance B in a JVM of its own (`CrossProcessLatency`, run by run.sh "
                + "after the JMH stages, not by JMH): the span from A's call to B's removal is read from "
                + "`System.nanoTime()` on both sides (CLOCK_MONOTONIC, one clock for every process on Linux), B writing "
                + "its time into a memory-mapped slot that A zeroed before the call. A waits for the slot with short "
                + "parks, which decides when the next operation starts, not the measured span; nothing spins. "
                + crossProcess("weft").get().settings().replace("1 fork(s), ", "") + ", one operation after the other.");
        r.line();
        r.line("| variant | operations | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs | p50 ÷ floor | p99 ÷ floor |");
        r.line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Optional<Measurement> floor = crossProcess("lettuceAsync");
        for (String variant : CROSS_PROCESS_VARIANTS) {
            crossProcess(variant).ifPresent(l -> r.line(String.format(Locale.ROOT,
                    "| %s | %,d | %s | %s | %s | %s | %s | %s | %s |", bold(variant), l.samples(),
                    num(l.percentile(50)), num(l.percentile(90)), num(l.percentile(99)), num(l.percentile(99.9)),
                    num(l.score()), floor.map(b -> ratio(l.percentile(50) / b.percentile(50))).orElse("–"),
                    floor.map(b -> ratio(l.percentile(99) / b.percentile(99))).orElse("–"))));
        }
        r.line();
    }

    private Optional<Measurement> crossProcess(String variant) {
        return results.find(m -> m.benchmark().equals(CROSS_PROCESS) && m.variant().equals(variant));
    }

    private void throughputSection() throws IOException {
        r.line("### Invalidations per second, 8 threads");
        r.line();
        r.line("Each of 8 threads invalidates a key and waits for Redis' acknowledgement before the next. `weftAwaitAck`: "
                + "`a.invalidate(key)` with AWAIT_ACK; Weft's sender keeps one message in flight and packs the "
                + "invalidations that arrive meanwhile into the next one (group commit). `lettuceSharedConnection`: a "
                + "synchronous `PUBLISH` per invalidation, all threads on one Lettuce connection (Lettuce pipelines "
                + "them: one command per invalidation). `lettuceConnectionPerThread`: the same on a connection per "
                + "thread. Both kinds have the same two subscribers on the channel (Weft: A and B; Lettuce: one on the "
                + "publishing client, one on another). `PUBLISH` commands are counted by redis-server "
                + "(`INFO commandstats`) during each iteration; Weft's invalidations per message come from "
                + "`status().operationsSent() / messagesSent()`.");
        r.line();
        r.line("| variant | invalidations/s | ± | PUBLISH commands/s | invalidations per PUBLISH "
                + "| ÷ best raw PUBLISH/s |");
        r.line("|---|---:|---:|---:|---:|---:|");
        Optional<Measurement> best = bestRawThroughput();
        SvgBarChart chart = new SvgBarChart("Invalidations/s and PUBLISH/s, 8 threads (higher is better)", "per second")
                .series("invalidations/s", PerformanceReport.GET_PRODUCT_COLOR)
                .series("PUBLISH commands/s", PerformanceReport.SEARCH_COLOR);
        for (String variant : THROUGHPUT_VARIANTS) {
            Optional<Measurement> m = throughput(variant);
            if (m.isEmpty()) {
                continue;
            }
            Measurement t = m.get();
            double perPublish = invalidationsPerPublish(t);
            r.line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", bold(variant), num(t.score()),
                    num(t.error()), num(t.score() / perPublish), twoDecimals(perPublish),
                    best.map(b -> ratio(t.score() / b.score())).orElse("–")));
            chart.group(variant, t.score(), t.score() / perPublish);
        }
        r.line();
        r.writeChart("invalidation-throughput.svg", chart);
        r.line("![invalidations per second](" + r.resultsLink("invalidation-throughput.svg") + ")");
        r.line();
    }

    private void callSection() {
        r.line("### Time for `invalidate` to return, 1 thread");
        r.line();
        r.line("JMH AverageTime. AWAIT_ACK returns once Redis answered the `PUBLISH` of the message carrying the "
                + "invalidation; FIRE_AND_FORGET returns once it is queued, and the message goes out in the "
                + "background. One thread calling FIRE_AND_FORGET in a loop queues invalidations faster than the sender "
                + "publishes them here, and past `maxPendingOperations` (100,000) callers would wait for room, timing the "
                + "sender's pace instead of the call; so every 256 calls, outside the measured time, the benchmark lets the sender "
                + "drain the queue once it holds more than 1,000. That fixture (`Level.Invocation`) makes JMH time "
                + "each call on its own in every row (some 25 ns of clock reads per call), which matters only for "
                + "FIRE_AND_FORGET: read it as an upper bound.");
        r.line();
        r.line("| variant | µs/op | ± | ÷ raw PUBLISH | invalidations per message |");
        r.line("|---|---:|---:|---:|---:|");
        Optional<Measurement> raw = call("lettuceSharedConnection");
        for (String variant : CALL_VARIANTS) {
            call(variant).ifPresent(c -> r.line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |",
                    bold(variant), PerformanceReport.precise(c.score()), PerformanceReport.precise(c.error()),
                    raw.map(b -> ratio(c.score() / b.score())).orElse("–"), twoDecimals(invalidationsPerPublish(c)))));
        }
        r.line();
    }

    private void reading() {
        r.line("### Reading");
        r.line();
        Optional<Measurement> weft = latency("weft");
        Optional<Measurement> raw = latency("lettuce");
        Optional<Measurement> echo = latency("lettuceWithEcho");
        Optional<Measurement> redisson = latency("redisson");
        if (weft.isPresent() && raw.isPresent()) {
            double w = weft.get().percentile(50);
            double b = raw.get().percentile(50);
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "- **Median**: Weft %s µs against raw "
                    + "Lettuce's %s µs, %.2f × (target 1.2 ×: %s).", num(w), num(b), w / b, w / b <= 1.2 ? "met"
                    : "missed"));
            if (echo.isPresent() && w > b) {
                double e = echo.get().percentile(50);
                s.append(String.format(Locale.ROOT, " Raw Lettuce with the sender subscribed as well "
                        + "(`lettuceWithEcho`) takes %s µs: %s of the %s µs between Weft and the baseline (%.0f %%) "
                        + "appear without any Weft code once the sending client also receives the message. In one JVM "
                        + "on %s cores that echo competes with B for the CPU; with A and B on two machines it would "
                        + "not. "
                        + "Against that same topology Weft's median is %.2f × (%s µs more): Weft's own work, the "
                        + "queue, encoding and acknowledgement future on A, decoding, the sequence check and the "
                        + "backend's `invalidate` on B.", num(e), num(Math.max(0, e - b)), num(w - b),
                        100 * Math.max(0, e - b) / (w - b), r.environment("nproc", "?"), w / e, num(w - e)));
            }
            List<Double> weftForks = weft.get().forkPercentile(50);
            List<Double> rawForks = raw.get().forkPercentile(50);
            if (weftForks.size() > 1 && rawForks.size() > 1) {
                double low = weftForks.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)
                        / rawForks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                double high = weftForks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)
                        / rawForks.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                s.append(String.format(Locale.ROOT, " The medians move from one fork to the next (Weft %s µs, raw "
                        + "Lettuce %s µs): pairing any Weft fork with any raw fork gives ratios from %.2f × to "
                        + "%.2f ×, so %s", forks(weftForks), forks(rawForks), low, high,
                        high <= 1.2 ? "the target holds in every pairing."
                                : low > 1.2 ? "the target is missed in every pairing."
                                : "this run alone does not settle the 1.2 × target either way."));
            }
            r.line(s.toString());
            Measurement lowest = LATENCY_VARIANTS.stream().map(this::latency).flatMap(Optional::stream)
                    .min((x, y) -> Double.compare(x.percentile(99.9), y.percentile(99.9))).orElseThrow();
            Measurement highest = LATENCY_VARIANTS.stream().map(this::latency).flatMap(Optional::stream)
                    .max((x, y) -> Double.compare(x.percentile(99.9), y.percentile(99.9))).orElseThrow();
            r.line(String.format(Locale.ROOT, "- **Tail**: p99 %s µs against %s µs (%.2f ×, target 1.5 ×: %s), p99.9 "
                            + "%s against %s µs. Across the variants p99.9 ranges from %s µs (`%s`) to %s µs (`%s`), "
                            + "many times the medians: a thread that is not running when its message arrives waits "
                            + "for a core, and %s cores hold Redis, two clients' event loops and the benchmark thread, "
                            + "so the tails say more about scheduling on this machine than about the libraries. "
                            + "Compare the per-fork columns before reading much into tail ratios.",
                    num(weft.get().percentile(99)), num(raw.get().percentile(99)),
                    weft.get().percentile(99) / raw.get().percentile(99),
                    weft.get().percentile(99) / raw.get().percentile(99) <= 1.5 ? "met" : "missed",
                    num(weft.get().percentile(99.9)), num(raw.get().percentile(99.9)),
                    num(lowest.percentile(99.9)), lowest.variant(), num(highest.percentile(99.9)), highest.variant(),
                    r.environment("nproc", "?")));
        }
        if (weft.isPresent() && redisson.isPresent()) {
            double ratio = redisson.get().percentile(50) / weft.get().percentile(50);
            r.line(String.format(Locale.ROOT, "- Against Redisson's `RLocalCachedMap`, the nearest ready-made "
                            + "alternative: its median is %s µs, %.2f × Weft's; p99 %s against %s µs. %s",
                    num(redisson.get().percentile(50)), ratio, num(redisson.get().percentile(99)),
                    num(weft.get().percentile(99)), ratio >= 1
                            ? "Weft's invalidation reaches the other instance sooner in this run, although its "
                            + "message carries the whole key where Redisson's carries a hash of it. Redisson's "
                            + "`fastRemove` also deletes the entry from the Redis hash that backs the map; Weft keeps "
                            + "nothing in Redis."
                            : "Redisson's invalidation reaches the other instance sooner in this run."));
        }
        Optional<Measurement> batched = throughput("weftAwaitAck");
        Optional<Measurement> best = bestRawThroughput();
        if (batched.isPresent() && best.isPresent()) {
            Measurement w = batched.get();
            // the table's figures (PUBLISH commands counted by redis-server), not Weft's own counters, which count
            // a slightly different window and would put a second, different rate into the same report
            double opsPerMessage = invalidationsPerPublish(w);
            double ratio = w.score() / best.get().score();
            r.line(String.format(Locale.ROOT, "- **Group commit**: 8 threads made %s invalidations/s through Weft, "
                            + "%.2f × the %s/s of the best raw variant (`%s`, one `PUBLISH` each; target ≥ 1 ×: %s). "
                            + "Weft sent them in %s messages/s (`PUBLISH` commands), %s invalidations per message on "
                            + "average: while one "
                            + "message is in flight, the other threads' invalidations wait and leave together in the "
                            + "next, so Redis and the subscribers handle fewer, larger messages.%s",
                    num(w.score()), ratio, num(best.get().score()), best.get().variant(), ratio >= 1 ? "met" : "missed",
                    num(w.score() / opsPerMessage), twoDecimals(opsPerMessage),
                    throughput("lettuceSharedConnection").isPresent()
                            && throughput("lettuceConnectionPerThread").isPresent()
                            ? String.format(Locale.ROOT, " Raw: %s/s on one shared connection, %s/s with a "
                                    + "connection per thread.",
                            num(throughput("lettuceSharedConnection").get().score()),
                            num(throughput("lettuceConnectionPerThread").get().score())) : ""));
        }
        Optional<Measurement> ack = call("weftAwaitAck");
        Optional<Measurement> fire = call("weftFireAndForget");
        Optional<Measurement> publish = call("lettuceSharedConnection");
        if (ack.isPresent() && publish.isPresent()) {
            Measurement a = ack.get();
            Measurement p = publish.get();
            boolean overlap = a.score() - a.error() <= p.score() + p.error()
                    && p.score() - p.error() <= a.score() + a.error();
            String why = overlap
                    ? String.format(Locale.ROOT, "Both wait for one round trip to Redis, and their confidence "
                    + "intervals (± %s and ± %s µs) overlap, so the difference is within this machine's noise; "
                    + "Weft's local invalidation, queueing and encoding do not show at this scale.", PerformanceReport.precise(a.error()),
                    PerformanceReport.precise(p.error()))
                    : a.score() > p.score()
                    ? "Both wait for one round trip to Redis; Weft adds its local invalidation, queueing, encoding "
                    + "and the hand-off of the acknowledgement between threads."
                    : "Both wait for one round trip to Redis; that Weft's returns sooner is not explained by this run.";
            r.line(String.format(Locale.ROOT, "- **Call time**: with AWAIT_ACK, `invalidate` takes %s µs against %s µs "
                            + "for a raw synchronous `PUBLISH` (%.2f ×). %s%s",
                    PerformanceReport.precise(a.score()), PerformanceReport.precise(p.score()),
                    a.score() / p.score(), why,
                    fire.map(f -> String.format(Locale.ROOT, " With FIRE_AND_FORGET it takes %s µs: the caller "
                            + "does not wait for Redis at all, and the invalidation reaches other instances as late "
                            + "as the message that carries it (%s invalidations per message in this run).",
                            PerformanceReport.precise(f.score()), twoDecimals(invalidationsPerPublish(f))))
                            .orElse("")));
        }
        r.line();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Optional<Measurement> latency(String variant) {
        return results.find(m -> m.benchmark().equals(LATENCY) && m.variant().equals(variant));
    }

    private Optional<Measurement> throughput(String variant) {
        return results.find(m -> m.benchmark().equals(THROUGHPUT) && m.variant().equals(variant));
    }

    private Optional<Measurement> call(String variant) {
        return results.find(m -> m.benchmark().equals(CALL) && m.variant().equals(variant));
    }

    /** The faster of the two raw PUBLISH variants of the throughput benchmark. */
    private Optional<Measurement> bestRawThroughput() {
        return results.all().stream()
                .filter(m -> m.benchmark().equals(THROUGHPUT) && m.variant().startsWith("lettuce"))
                .max((x, y) -> Double.compare(x.score(), y.score()));
    }

    /** Invalidations made per PUBLISH redis-server executed, over the measurement iterations. */
    private static double invalidationsPerPublish(Measurement m) {
        return m.secondaries().getOrDefault("invalidations", Double.NaN)
                / m.secondaries().getOrDefault("publishes", Double.NaN);
    }

    private static String forks(List<Double> values) {
        return values.stream().map(InvalidationSection::num).collect(Collectors.joining(" / "));
    }

    private static String bold(String variant) {
        return variant.startsWith("weft") ? "**" + variant + "**" : variant;
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String twoDecimals(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%,.2f", v);
    }

    private static String num(double v) {
        return PerformanceReport.num(v);
    }
}
