package dev.weft.caching.redis.backend.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The one connection the Redis level's commands travel on (Lettuce pipelines every caller's commands on it), to a
 * standalone or Sentinel-managed Redis, or to a Redis Cluster, where each command goes to the node serving its first
 * key's slot. Scripts run by digest; a node that lacks one (after a restart, or a node that never ran it) answers
 * NOSCRIPT and gets the text once.
 */
public final class L2Connection implements AutoCloseable {

    /** Connection events, on Lettuce's threads. */
    public interface Listener {
        void disconnected();

        void reconnected();
    }

    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;

    private L2Connection(StatefulConnection<byte[], byte[]> connection,
                         RedisClusterAsyncCommands<byte[], byte[]> commands) {
        this.connection = connection;
        this.commands = commands;
    }

    /** Connects to a standalone or Sentinel-managed Redis; {@code uri} may be null to use the client's own. */
    public static L2Connection connect(RedisClient client, RedisURI uri) {
        StatefulRedisConnection<byte[], byte[]> c = uri != null ? client.connect(ByteArrayCodec.INSTANCE, uri)
                : client.connect(ByteArrayCodec.INSTANCE);
        return new L2Connection(c, c.async());
    }

    /** Connects to a Redis Cluster. */
    public static L2Connection connect(RedisClusterClient client) {
        StatefulRedisClusterConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        return new L2Connection(c, c.async());
    }

    /** Tells {@code listener} when the connection drops and when it is back. */
    public void listen(Listener listener) {
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                listener.disconnected();
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                listener.reconnected();
            }
        });
    }

    /** Runs {@code script}; completes with its reply (a {@code List} or a {@code Long}). */
    public CompletableFuture<Object> run(Script script, byte[][] keys, byte[]... args) {
        ScriptOutputType type = script == Script.READ || script == Script.BEGIN ? ScriptOutputType.MULTI
                : ScriptOutputType.INTEGER;
        CompletionStage<Object> bySha = commands.evalsha(script.digest(), type, keys, args);
        return bySha.toCompletableFuture().exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException || String.valueOf(cause.getMessage()).startsWith("NOSCRIPT")) {
                CompletionStage<Object> byText = commands.eval(script.textUnsafe(), type, keys, args);
                return byText.toCompletableFuture();
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** {@code SET key value NX PX millis}: completes with whether it was set. */
    public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long millis) {
        return commands.set(key, value, SetArgs.Builder.nx().px(millis)).toCompletableFuture()
                .thenApply("OK"::equals);
    }

    /** PING, for the circuit's probe. */
    public CompletableFuture<String> ping() {
        return commands.ping().toCompletableFuture();
    }

    /** Whether the connection is open (Lettuce reconnects it by itself). */
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        connection.close();
    }
}
