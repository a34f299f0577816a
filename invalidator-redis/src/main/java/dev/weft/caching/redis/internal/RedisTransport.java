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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Invalidation messages over one Redis pub/sub channel, with Lettuce, on a standalone, Sentinel or cluster client
 * ({@link RedisConnector}).
 *
 * <p>Two connections: a pub/sub connection that subscribes (Lettuce reconnects it and subscribes again by itself;
 * each confirmation of the subscription is an {@code onSubscribed}), and a plain connection for PUBLISH (a
 * subscribed connection cannot publish).
 *
 * <p><b>Nothing blocks a caller.</b> {@link #publish} never connects: while the publishing connection is missing or
 * not open (Lettuce is reconnecting it), it fails at once instead of letting Lettuce buffer the command, and
 * {@link #canPublish()} says false, so that invalidations do not wait; a missing connection is made on this
 * transport's own connect thread. Only {@link #start} and {@link #startPublishing()} connect on the caller's thread,
 * at creation.
 *
 * <p><b>Nothing outlives {@link #close()}.</b> Every connection is installed under this object's lock after checking
 * that the transport is not closed, and one made by a connect that finished after {@code close()} is closed at once:
 * a reconnect racing a close cannot leave a connection open on a client the application owns. A client this
 * transport created is shut down by {@code close()}; a client the application passed stays the application's.
 */
public final class RedisTransport implements InvalidationTransport {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransport.class);
    /** What a receiver accepts: far above what senders send by default, far below Redis' 512 MB. */
    private static final int RECEIVE_LIMIT_BYTES = 16 * 1024 * 1024;

    /** Thrown by a connect that completed after {@link #close()}: its connection was closed at once. */
    private static final class ClosedMeanwhile extends RuntimeException {
        ClosedMeanwhile() {
            super("the transport was closed while connecting", null, false, false);
        }
    }

    private final RedisConnector connector;
    private final boolean ownsClient;
    private final String channel;
    private final byte[] channelBytes;
    private final int maxMessageBytes;
    private final boolean requireConnectionAtStart;
    private final String endpoint;
    private final ScheduledExecutorService connectThread;
    private final AtomicBoolean publisherConnecting = new AtomicBoolean();

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
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "weft-redis-connect");
            t.setDaemon(true);
            return t;
        });
        // close() cancels retries not yet due, but lets a connect in progress finish (it then closes what it made):
        // interrupting it would leave Lettuce's connection future to complete unseen, a leaked connection
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.connectThread = pool;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        try {
            connectWithRetries();
        } catch (RuntimeException e) {
            CachingConfigurationException config = classify(e);
            if (config != null || requireConnectionAtStart) {
                close();
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
                if (classify(e) != null || closed) {
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
        synchronized (this) {
            if (closed) {
                closeQuietly(sub);
                throw new ClosedMeanwhile();
            }
            this.subscriber = sub;
        }
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                if (Arrays.equals(channel, channelBytes)) {
                    listener.onMessage(message);
                }
            }

            @Override
            public void subscribed(byte[] channel, long count) {
                if (Arrays.equals(channel, channelBytes) && !closed) {
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
        connectPublisher();
    }

    private void retryConnect(int attempt) {
        if (closed) {
            return;
        }
        long delayMillis = Math.min(30_000, 250L << Math.min(attempt, 7));
        try {
            connectThread.schedule(() -> {
                if (closed) {
                    return;
                }
                try {
                    connect();
                    LOG.info("Connected to Redis at {} after {} attempts", endpoint, attempt + 1);
                } catch (ClosedMeanwhile e) {
                    // closed while connecting: nothing stays open, nothing more to do
                } catch (RuntimeException e) {
                    closeConnections();
                    if (attempt % 10 == 1) {
                        LOG.warn("Still cannot connect to Redis at {} ({})", endpoint, rootMessage(e));
                    }
                    retryConnect(attempt + 1);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the transport is closing
        }
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
        if (p == null || !p.connection().isOpen()) {
            requestPublisher(p);
            return CompletableFuture.failedFuture(new IllegalStateException(closed ? "closed"
                    : "not connected to Redis at " + endpoint));
        }
        return p.publish(channelBytes, message).thenApply(receivers -> null);
    }

    @Override
    public boolean canPublish() {
        RedisConnector.Publisher p = publisher;
        if (p == null) {
            requestPublisher(null);
            return false;
        }
        return p.connection().isOpen();
    }

    /**
     * Makes the publishing connection on the connect thread when there is none, or when the one there is will not
     * come back by itself (closed, or on a client whose options turned automatic reconnection off).
     */
    private void requestPublisher(RedisConnector.Publisher current) {
        if (closed || (current != null && current.connection().getOptions().isAutoReconnect())
                || !publisherConnecting.compareAndSet(false, true)) {
            return;
        }
        try {
            connectThread.execute(() -> {
                try {
                    connectPublisher();
                } catch (ClosedMeanwhile e) {
                    // closed while connecting
                } catch (RuntimeException e) {
                    LOG.debug("Connecting to Redis at {} to publish failed: {}", endpoint, rootMessage(e));
                } finally {
                    publisherConnecting.set(false);
                }
            });
        } catch (RejectedExecutionException closing) {
            publisherConnecting.set(false);
        }
    }

    /** Connects the publishing connection (replacing one that will not come back) on the calling thread. */
    private void connectPublisher() {
        RedisConnector.Publisher current = publisher;
        if (current != null && (current.connection().isOpen()
                || current.connection().getOptions().isAutoReconnect())) {
            return;
        }
        RedisConnector.Publisher p = connector.connectPublisher();
        RedisConnector.Publisher replaced;
        synchronized (this) {
            if (closed) {
                closeQuietly(p);
                throw new ClosedMeanwhile();
            }
            replaced = publisher;
            publisher = p;
        }
        if (replaced != null) {
            closeQuietly(replaced);
        }
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
     * options allow it, the connection is made in the background as soon as Redis answers.
     */
    public void startPublishing() {
        try {
            connectPublisher();
        } catch (RuntimeException e) {
            CachingConfigurationException config = classify(e);
            if (config != null || requireConnectionAtStart) {
                close();
                throw config != null ? config : new CachingConfigurationException("cannot connect to Redis at "
                        + endpoint + " to publish invalidations on channel '" + channel + "': " + rootMessage(e), e);
            }
            LOG.warn("Cannot connect to Redis at {} ({}); will connect in the background", endpoint,
                    rootMessage(e));
        }
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
        RedisConnector.Publisher p = publisher;
        d.put("publisherConnectionOpen", String.valueOf(p != null && p.connection().isOpen()));
        d.put("clientOwnedByWeft", String.valueOf(ownsClient));
        return d;
    }

    private synchronized void closeConnections() {
        StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
        RedisConnector.Publisher p = publisher;
        subscriber = null;
        publisher = null;
        if (s != null) {
            closeQuietly(s);
        }
        if (p != null) {
            closeQuietly(p);
        }
    }

    private static void closeQuietly(StatefulRedisPubSubConnection<byte[], byte[]> s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the Redis subscriber connection failed", e);
        }
    }

    private static void closeQuietly(RedisConnector.Publisher p) {
        try {
            p.connection().close();
        } catch (RuntimeException e) {
            LOG.debug("closing the Redis publisher connection failed", e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        connectThread.shutdown();
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
