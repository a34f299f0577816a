package dev.weft.benchmarks.invalidation;

import dev.weft.caching.invalidation.PublishMode;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The sending side of the throughput and call-time benchmarks, opened by variant name over its own redis-server:
 *
 * <ul>
 *   <li>{@code weftAwaitAck}, {@code weftFireAndForget}: Weft instances A and B ({@link WeftInstances}), A in that
 *       publish mode; operations are {@code a.invalidate(key)}.</li>
 *   <li>{@code lettuceSharedConnection}: a synchronous PUBLISH of a Weft-sized payload per invalidation, every thread
 *       on one Lettuce connection (Lettuce pipelines concurrent commands on it, one command per invalidation).</li>
 *   <li>{@code lettuceConnectionPerThread}: the same, each thread on a connection of its own.</li>
 * </ul>
 *
 * <p>Both kinds have the same two subscribers on their channel (Weft: A and B; Lettuce: one on the publishing client,
 * one on another client, each reading the key from every message), so Redis fans every message out to the same
 * connections.
 */
public abstract class PublishingSide {

    RedisServerProcess redis;
    private WeftInstances weft;
    private RawLettuce lettuce;
    private byte[][] payloads;
    private boolean connectionPerThread;

    void open(String variant) throws InterruptedException {
        redis = RedisServerProcess.start();
        RedisURI uri = RedisURI.create(redis.uri());
        switch (variant) {
            case "weftAwaitAck":
                weft = new WeftInstances(uri, PublishMode.AWAIT_ACK, null);
                break;
            case "weftFireAndForget":
                weft = new WeftInstances(uri, PublishMode.FIRE_AND_FORGET, null);
                break;
            case "lettuceSharedConnection":
            case "lettuceConnectionPerThread":
                connectionPerThread = variant.equals("lettuceConnectionPerThread");
                lettuce = new RawLettuce(uri, true, 1, null);
                payloads = new byte[InvalidationKeys.COUNT][];
                for (int i = 0; i < payloads.length; i++) {
                    payloads[i] = InvalidationKeys.weftMessage(InvalidationKeys.key(i));
                }
                break;
            default:
                throw new IllegalArgumentException("unknown variant " + variant);
        }
    }

    /** The connection a benchmark thread publishes on (raw variants), {@code null} for Weft. */
    StatefulRedisConnection<byte[], byte[]> connectionForThread() {
        if (lettuce == null) {
            return null;
        }
        return connectionPerThread ? lettuce.newPublisher() : lettuce.publisher;
    }

    /** One invalidation of key number {@code i}, returning when the variant's call returns. */
    void invalidate(int i, StatefulRedisConnection<byte[], byte[]> connection) {
        if (weft != null) {
            weft.a.invalidate(InvalidationKeys.key(i));
        } else {
            connection.sync().publish(RawLettuce.CHANNEL, payloads[i & (InvalidationKeys.COUNT - 1)]);
        }
    }

    /**
     * For FIRE_AND_FORGET, called between operations outside the measured time: once a thousand invalidations are
     * queued, waits until the sender has published them. One thread calling {@code invalidate} in a loop queues
     * invalidations faster than the sender publishes them on this machine, and past {@code maxPendingOperations}
     * (100,000) callers would wait for room, and the row would time the sender's pace instead of the call; this keeps
     * the measured calls on the path an application with a normal invalidation rate takes.
     */
    void drainBacklog() throws InterruptedException {
        if (weft != null && weft.a.status().pendingOperations() > 1_000) {
            while (weft.a.status().pendingOperations() > 0) {
                Thread.sleep(0, 100_000);
            }
        }
    }

    /** Messages Weft's instance A has sent so far ({@code status().messagesSent()}); 0 for the raw variants. */
    long weftMessagesSent() {
        return weft == null ? 0 : weft.a.status().messagesSent();
    }

    /** Invalidations Weft's instance A has sent so far ({@code status().operationsSent()}); 0 for the raw variants. */
    long weftOperationsSent() {
        return weft == null ? 0 : weft.a.status().operationsSent();
    }

    void close() {
        try {
            if (weft != null) {
                weft.close();
            }
            if (lettuce != null) {
                lettuce.close();
            }
        } finally {
            redis.close();
        }
    }
}
