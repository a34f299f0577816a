package dev.weft.caching.redis.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.InvalidationTransport;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Invalidation messages over one Redis pub/sub channel, with Lettuce, on a standalone, Sentinel or cluster client
 * ({@link RedisConnector}).
 *
 * <p>Two connections: a pub/sub connection that subscribes (Lettuce reconnects it and subscribes again by itself;
 * each confirmation of the subscription is an {@code onSubscribed}), and a plain connection for PUBLISH (a
 * subscribed connection cannot publish). A client this transport created is shut down by {@link #close()}; a
 * client the application passed stays the application's.
 */
public final class RedisTransport implements InvalidationTransport {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransport.class);
    /** What a receiver accepts: far above what senders send by default, far below Redis' 512 MB. */
    private static final int RECEIVE_LIMIT_BYTES = 16 * 1024 * 1024;

    private final RedisConnector connector;
    private final boolean ownsClient;
    private final String channel;
    private final byte[] channelBytes;
    private final int maxMessageBytes;
    private final boolean requireConnectionAtStart;
    private final String endpoint;

    private volatile StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private volatile RedisConnector.Publisher publisher;
    private volatile boolean closed;
    private volatile Listener listener;

    public RedisTransport(RedisConnector connector, boolean ownsClient, String channel, int maxMessageBytes,
                          boolean requireConnectionAtStart) {
        this.connector = connector;
        this.ownsClient = ownsClient;
        this.channel = channel;
        this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
        this.maxMessageBytes = maxMessageBytes;
        this.requireConnectionAtStart = requireConnectionAtStart;
        this.endpoint = connector.endpoint();
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        try {
            connectWithRetries();
        } catch (RuntimeException e) {
            CachingConfigurationException config = classify(e);
            if (config != null || requireConnectionAtStart) {
                closeConnections();
                throw config != null ? config : new CachingConfigurationException("cannot connect to Redis at "
                        + endpoint + " for invalidations on channel '" + channel + "': " + rootMessage(e)
                        + " (set requireConnectionAtStart(false) to start disconnected and keep trying)", e);
            }
            LOG.warn("Cannot connect to Redis at {} ({}); will keep trying in the background", endpoint,
                    rootMessage(e));
            retryConnect(1);
        }
    }

    /**
     * The first connection, tried three times: Lettuce sometimes reports a refused handshake (wrong password) as
     * "connection closed prematurely", and a second attempt then shows the real reason; a passing network blip is
     * also forgiven.
     */
    private void connectWithRetries() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                connect();
                return;
            } catch (RuntimeException e) {
                closeConnections();
                last = e;
                if (classify(e) != null) {
                    break;
                }
                try {
                    Thread.sleep(100L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last;
    }

    private void connect() {
        StatefulRedisPubSubConnection<byte[], byte[]> sub = connector.connectPubSub();
        this.subscriber = sub;
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                if (Arrays.equals(channel, channelBytes)) {
                    listener.onMessage(message);
                }
            }

            @Override
            public void subscribed(byte[] channel, long count) {
                if (Arrays.equals(channel, channelBytes)) {
                    listener.onSubscribed();
                }
            }
        });
        sub.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closed) {
                    listener.onDisconnected("connection to " + endpoint + " lost");
                }
            }
        });
        sub.sync().subscribe(channelBytes);
        publisher();
    }

    private void retryConnect(int attempt) {
        if (closed) {
            return;
        }
        long delayMillis = Math.min(30_000, 250L << Math.min(attempt, 7));
        connector.executor().schedule(() -> {
            if (closed) {
                return;
            }
            try {
                connect();
                LOG.info("Connected to Redis at {} after {} attempts", endpoint, attempt + 1);
            } catch (RuntimeException e) {
                closeConnections();
                if (attempt % 10 == 1) {
                    LOG.warn("Still cannot connect to Redis at {} ({})", endpoint, rootMessage(e));
                }
                retryConnect(attempt + 1);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** A configuration error (wrong credentials), or {@code null} when a retry could help. */
    private CachingConfigurationException classify(Throwable e) {
        String refusal = credentialsRefusal(e, 0);
        return refusal == null ? null : new CachingConfigurationException("Redis at " + endpoint + " refused the "
                + "credentials for the invalidation channel '" + channel + "': " + refusal, e);
    }

    private static String credentialsRefusal(Throwable e, int depth) {
        for (Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("WRONGPASS") || m.contains("NOAUTH") || m.contains("invalid password")
                    || m.contains("invalid username-password")) {
                return m;
            }
            for (Throwable s : t.getSuppressed()) {
                String found = credentialsRefusal(s, depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }

    @Override
    public CompletionStage<Void> publish(byte[] message) {
        RedisConnector.Publisher p = publisher;
        if (p == null) {
            try {
                p = publisher();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (p == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("closed"));
            }
        }
        return p.publish(channelBytes, message).thenApply(receivers -> null);
    }

    @Override
    public int maxMessageBytes() {
        return Math.min(maxMessageBytes, RECEIVE_LIMIT_BYTES);
    }

    @Override
    public int maxReceiveBytes() {
        return RECEIVE_LIMIT_BYTES;
    }

    /**
     * Connects the publishing connection only, for a publish-only client. When Redis cannot be reached and the
     * options allow it, the connection is made on the first publish that can.
     */
    public void startPublishing() {
        try {
            publisher();
        } catch (RuntimeException e) {
            CachingConfigurationException config = classify(e);
            if (config != null || requireConnectionAtStart) {
                close();
                throw config != null ? config : new CachingConfigurationException("cannot connect to Redis at "
                        + endpoint + " to publish invalidations on channel '" + channel + "': " + rootMessage(e), e);
            }
            LOG.warn("Cannot connect to Redis at {} ({}); will connect on the next publish", endpoint,
                    rootMessage(e));
        }
    }

    private synchronized RedisConnector.Publisher publisher() {
        RedisConnector.Publisher p = publisher;
        if (p == null && !closed) {
            p = connector.connectPublisher();
            publisher = p;
        }
        return p;
    }

    @Override
    public String description() {
        return "redis pub/sub channel '" + channel + "' on " + endpoint;
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("transport", "redis");
        d.put("channel", channel);
        d.put("endpoint", endpoint);
        StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
        d.put("subscriberConnectionOpen", String.valueOf(s != null && s.isOpen()));
        d.put("clientOwnedByWeft", String.valueOf(ownsClient));
        return d;
    }

    private synchronized void closeConnections() {
        StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
        RedisConnector.Publisher p = publisher;
        subscriber = null;
        publisher = null;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the Redis subscriber connection failed", e);
            }
        }
        if (p != null) {
            try {
                p.connection().close();
            } catch (RuntimeException e) {
                LOG.debug("closing the Redis publisher connection failed", e);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeConnections();
        if (ownsClient) {
            try {
                connector.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("shutting down the Redis client failed", e);
            }
        }
    }
}
