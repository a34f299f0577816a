/**
 * Part 3 of the benchmarks, not written yet: invalidation latency across instances over Redis pub/sub.
 *
 * <p>What goes here: a benchmark that starts a real redis-server on loopback (the test-support module knows how),
 * wires two {@code RedisCacheInvalidator}s over two {@code MemoryCachingBackend}s (or two JVMs), and measures the time
 * from {@code invalidate(...)} returning on one to the entry being gone on the other ({@code Mode.SampleTime}, so the
 * report shows percentiles). run.sh runs every benchmark of this package as its own stage ({@code invalidation}, JSON
 * in {@code results/invalidation.json}) once the package has benchmarks, and docs/performance.md has a section
 * waiting for its table.
 */
package dev.weft.benchmarks.invalidation;
