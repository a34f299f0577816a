package dev.weft.caching.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How {@link RedisTransport} opens its two connections: on a standalone or Sentinel {@link RedisClient}, or on a
 * {@link RedisClusterClient}. In a cluster, PUBLISH goes to the node serving the channel's slot and Redis forwards
 * the message to every node, so a subscriber connected to any node receives it; Lettuce resubscribes the cluster
 * Pub/Sub connection on another node when its node goes away.
 */
public abstract class RedisConnector {

    /** A connection that can PUBLISH. */
    public interface Publisher {
        CompletionStage<Long> publish(byte[] channel, byte[] message);

        StatefulConnection<byte[], byte[]> connection();
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);
    private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private RedisConnector() {
    }

    abstract StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub();

    abstract Publisher connectPublisher();

    abstract void shutdown();

    /** Where the connections go, for messages: never a password. */
    abstract String endpoint();

    /** A standalone or Sentinel client; {@code uri} is {@code null} when the client was created with its own. */
    public static RedisConnector standalone(RedisClient client, RedisURI uri) {
        return new RedisConnector() {
            @Override
            StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
                return uri != null ? client.connectPubSub(ByteArrayCodec.INSTANCE, uri)
                        : client.connectPubSub(ByteArrayCodec.INSTANCE);
            }

            @Override
            Publisher connectPublisher() {
                StatefulRedisConnection<byte[], byte[]> c = uri != null ? client.connect(ByteArrayCodec.INSTANCE, uri)
                        : client.connect(ByteArrayCodec.INSTANCE);
                return new Publisher() {
                    @Override
                    public CompletionStage<Long> publish(byte[] channel, byte[] message) {
                        return c.async().publish(channel, message);
                    }

                    @Override
                    public StatefulConnection<byte[], byte[]> connection() {
                        return c;
                    }
                };
            }

            @Override
            void shutdown() {
                client.shutdown();
            }

            @Override
            String endpoint() {
                return describe(uri);
            }
        };
    }

    /**
     * A Redis Cluster client. A failed PUBLISH refreshes the client's view of the cluster (at most once a second)
     * before the sender retries: the adaptive refresh triggers of Lettuce do not fire when the connection to a dead
     * master was never opened, so without this a publisher could keep aiming at a master its replica has replaced.
     */
    public static RedisConnector cluster(RedisClusterClient client) {
        return cluster(client, List.of());
    }

    /** A Redis Cluster client created for {@code seeds}, which messages name (never with a password). */
    public static RedisConnector cluster(RedisClusterClient client, List<RedisURI> seeds) {
        StringJoiner nodes = new StringJoiner(",", "redis cluster ", "").setEmptyValue("redis cluster");
        seeds.forEach(seed -> nodes.add(seed.getHost() + ':' + seed.getPort()));
        String endpoint = nodes.toString();
        AtomicLong lastRefresh = new AtomicLong(System.nanoTime() - REFRESH_INTERVAL_NANOS);
        Runnable refresh = () -> {
            long last = lastRefresh.get();
            long now = System.nanoTime();
            if (now - last >= REFRESH_INTERVAL_NANOS && lastRefresh.compareAndSet(last, now)) {
                client.refreshPartitionsAsync().whenComplete((ok, e) -> {
                    if (e != null) {
                        LOG.debug("refreshing the Redis Cluster topology failed", e);
                    }
                });
            }
        };
        return new RedisConnector() {
            @Override
            StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
                return client.connectPubSub(ByteArrayCodec.INSTANCE);
            }

            @Override
            Publisher connectPublisher() {
                StatefulRedisClusterConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
                return new Publisher() {
                    @Override
                    public CompletionStage<Long> publish(byte[] channel, byte[] message) {
                        return c.async().publish(channel, message).whenComplete((receivers, failure) -> {
                            if (failure != null) {
                                refresh.run();
                            }
                        });
                    }

                    @Override
                    public StatefulConnection<byte[], byte[]> connection() {
                        return c;
                    }
                };
            }

            @Override
            void shutdown() {
                client.shutdown();
            }

            @Override
            String endpoint() {
                return endpoint;
            }
        };
    }

    /** host:port (or the sentinels and master name), never the password. */
    static String describe(RedisURI uri) {
        if (uri == null) {
            return "redis";
        }
        if (!uri.getSentinels().isEmpty()) {
            StringBuilder sb = new StringBuilder("sentinel ");
            uri.getSentinels().forEach(s -> sb.append(s.getHost()).append(':').append(s.getPort()).append(' '));
            return sb.append("master ").append(uri.getSentinelMasterId()).toString();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ':' + uri.getPort();
    }
}
