package dev.weft.caching.redis.faults;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.testing.history.HistoryRecorder;
import dev.weft.testing.history.Workload;
import dev.weft.testing.jvm.ChildChannel;
import io.lettuce.core.RedisClient;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One instance of a fault test, in its own JVM: a {@link VersionStore} cached in memory and kept in sync by a
 * {@link RedisCacheInvalidator}, every operation recorded in a history file.
 *
 * <p>Arguments: invalidation URI (possibly through a proxy), database URI, channel, history file, bound (ms),
 * publish timeout (ms). Commands: {@code WORK readEveryMicros writeEveryMillis}, {@code STOP} (replies "reads writes
 * failures"), {@code WRITE key} (replies the version), {@code READ key}, {@code STATUS}, {@code CLOSE} (closes the
 * invalidator: flush and goodbye).
 */
public final class FaultPeerMain {

    static final String[] KEYS = {"a", "b", "c", "d"};

    private FaultPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        RedisClient databaseClient = RedisClient.create(args[1]);
        HistoryRecorder history = new HistoryRecorder(Path.of(args[3]));
        RedisCacheInvalidatorOptions options = RedisCacheInvalidatorOptions.builder()
                .channel(args[2])
                .maxStalenessWhileDisconnected(Duration.ofMillis(Long.parseLong(args[4])))
                .publishTimeout(Duration.ofMillis(Long.parseLong(args[5])))
                .build();
        CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), args[0], options);
        CachingServices.setDefaultBackend(invalidator);
        if (!invalidator.awaitConnected(Duration.ofSeconds(20))) {
            throw new IllegalStateException("not subscribed: " + invalidator.status());
        }
        VersionStore store = new VersionStore(databaseClient.connect().sync(), args[2] + ":", history);
        Workload workload = new Workload(KEYS, store::version, store::write, history);
        channel.ready();
        channel.serve(command -> {
            String[] w = command.split(" ");
            switch (w[0]) {
                case "WORK":
                    workload.start(Long.parseLong(w[1]), Long.parseLong(w[2]));
                    return "OK";
                case "STOP":
                    workload.stop();
                    return workload.counts();
                case "WRITE": {
                    long start = System.nanoTime();
                    long version = store.write(w[1]);
                    history.write(w[1], version, start, System.nanoTime());
                    return String.valueOf(version);
                }
                case "READ": {
                    long start = System.nanoTime();
                    long version = store.version(w[1]);
                    history.read(w[1], version, start, System.nanoTime());
                    return String.valueOf(version);
                }
                case "STATUS":
                    return status(invalidator.status());
                case "CLOSE":
                    invalidator.close();
                    return "OK";
                default:
                    throw new IllegalArgumentException("unknown command " + command);
            }
        });
        invalidator.close();
        history.close();
        databaseClient.shutdown();
        System.exit(0);
    }

    /** The counters the tests look at, as key=value pairs. */
    static String status(InvalidatorStatus s) {
        return "state=" + s.state() + " gaps=" + s.gapsDetected() + " lost=" + s.messagesLost() + " silent="
                + s.sendersFallenSilent() + " silentNow=" + s.silentSenders() + " subscriptions=" + s.subscriptions()
                + " received=" + s.messagesReceived() + " duplicates=" + s.duplicateMessages() + " deferred="
                + s.deferredInvalidations() + " circuit=" + s.publishCircuit() + " heartbeats=" + s.heartbeatsSent()
                + " unknownVersion=" + s.unknownVersionMessages();
    }
}
