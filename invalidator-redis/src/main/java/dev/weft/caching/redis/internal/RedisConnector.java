package dev.weft.caching.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.concurrent.CompletionStage;

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

    private RedisConnector() {
    }

    abstract StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub();

    abstract Publisher connectPublisher();

    abstract EventExecutorGroup executor();

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
            EventExecutorGroup executor() {
                return client.getResources().eventExecutorGroup();
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

    /** A Redis Cluster client. */
    public static RedisConnector cluster(RedisClusterClient client) {
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
                        return c.async().publish(channel, message);
                    }

                    @Override
                    public StatefulConnection<byte[], byte[]> connection() {
                        return c;
                    }
                };
            }

            @Override
            EventExecutorGroup executor() {
                return client.getResources().eventExecutorGroup();
            }

            @Override
            void shutdown() {
                client.shutdown();
            }

            @Override
            String endpoint() {
                return "redis cluster";
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
