package dev.weft.benchmarks.invalidation;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain Lettuce pub/sub, what Weft's Redis transport is built on, with nothing of Weft: a publishing side (its own
 * {@link RedisClient} and one connection, more on request) and a subscribing side (another client, with
 * {@code subscribers} pub/sub connections on the channel). Each subscriber takes the key from the end of the payload
 * and reports it to the {@link Arrival}, if one is given. Payloads are byte arrays, as Weft's are.
 *
 * <p>With {@code echo}, the publishing side's client also subscribes, first, and reads and drops every message: the
 * topology of two Weft (or Redisson) instances, where the sender is a subscriber too and gets its own messages back.
 */
final class RawLettuce implements AutoCloseable {

    static final byte[] CHANNEL = "weft:benchmark-raw".getBytes(StandardCharsets.UTF_8);

    private final RedisClient publishingClient;
    private final RedisClient subscribingClient;
    private final RedisURI uri;
    /** The publishing side's first connection. */
    final StatefulRedisConnection<byte[], byte[]> publisher;
    private final List<StatefulRedisConnection<byte[], byte[]>> publishers = new ArrayList<>();
    private final List<StatefulRedisPubSubConnection<byte[], byte[]>> subscribers = new ArrayList<>();

    RawLettuce(RedisURI uri, boolean echo, int subscribers, Arrival arrival) {
        this.uri = uri;
        publishingClient = RedisClient.create();
        subscribingClient = RedisClient.create();
        publisher = newPublisher();
        if (echo) {
            subscribe(publishingClient, null);
        }
        for (int i = 0; i < subscribers; i++) {
            subscribe(subscribingClient, arrival);
        }
    }

    private void subscribe(RedisClient client, Arrival arrival) {
        StatefulRedisPubSubConnection<byte[], byte[]> s = client.connectPubSub(ByteArrayCodec.INSTANCE, uri);
        s.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                String key = InvalidationKeys.keyAtEnd(message);
                if (arrival != null) {
                    arrival.arrived(key);
                }
            }
        });
        s.sync().subscribe(CHANNEL);
        subscribers.add(s);
    }

    /** Another connection of the publishing side's client (for a connection per thread). */
    synchronized StatefulRedisConnection<byte[], byte[]> newPublisher() {
        StatefulRedisConnection<byte[], byte[]> c = publishingClient.connect(ByteArrayCodec.INSTANCE, uri);
        publishers.add(c);
        return c;
    }

    @Override
    public void close() {
        subscribers.forEach(StatefulRedisPubSubConnection::close);
        publishers.forEach(StatefulRedisConnection::close);
        publishingClient.shutdown();
        subscribingClient.shutdown();
    }
}
