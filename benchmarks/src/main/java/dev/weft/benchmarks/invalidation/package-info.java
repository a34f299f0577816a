/**
 * Part 3 of the benchmarks: invalidation across two instances over a real redis-server on 127.0.0.1, started and
 * stopped by each trial ({@code RedisServerProcess} from weft-test-support).
 *
 * <ul>
 *   <li>{@link dev.weft.benchmarks.invalidation.InvalidationLatencyBenchmark}: end-to-end latency percentiles from
 *       {@code invalidate} on instance A to the entry being gone on instance B, Weft against raw Lettuce pub/sub of a
 *       message of the same size and Redisson's {@code RLocalCachedMap};</li>
 *   <li>{@link dev.weft.benchmarks.invalidation.InvalidationThroughputBenchmark}: invalidations per second from 8
 *       threads, Weft's group commit against a raw PUBLISH per invalidation;</li>
 *   <li>{@link dev.weft.benchmarks.invalidation.InvalidateCallBenchmark}: how long {@code invalidate} takes to return
 *       in each publish mode, next to a raw synchronous PUBLISH.</li>
 * </ul>
 *
 * <p>run.sh runs them as its {@code invalidation} stage ({@code results/invalidation.json}); the report's part 3 is
 * written by {@code dev.weft.benchmarks.report.InvalidationSection}.
 */
package dev.weft.benchmarks.invalidation;
