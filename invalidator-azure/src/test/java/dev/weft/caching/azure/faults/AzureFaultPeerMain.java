package dev.weft.caching.azure.faults;

import com.azure.core.credential.AccessToken;
import dev.weft.caching.CachingServices;
import dev.weft.caching.azure.AzureCacheInvalidator;
import dev.weft.caching.azure.AzureCacheInvalidatorOptions;
import dev.weft.caching.azure.RelayHttpClient;
import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.history.HistoryRecorder;
import dev.weft.testing.history.Workload;
import dev.weft.testing.jvm.ChildChannel;
import io.lettuce.core.RedisClient;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * One instance of an Azure fault test, in its own JVM: a {@link VersionStore} cached in memory and kept in sync by an
 * {@link AzureCacheInvalidator} (its own subscription), every operation recorded in a history file.
 *
 * <p>Arguments: connection string (possibly through a proxy), topic, strategy ({@code existing:<name>} or
 * {@code auto-with-topic}: auto-created subscription, topic created when missing, through the management relay),
 * management relay port, database URI, history file, bound (ms), publish timeout (ms). Commands as in the Redis
 * fault peer: {@code WORK}, {@code STOP}, {@code WRITE key}, {@code READ key}, {@code STATUS}.
 */
public final class AzureFaultPeerMain {

    static final String[] KEYS = {"a", "b", "c", "d"};

    private AzureFaultPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        RedisClient databaseClient = RedisClient.create(args[4]);
        HistoryRecorder history = new HistoryRecorder(Path.of(args[5]));
        Duration bound = Duration.ofMillis(Long.parseLong(args[6]));
        AzureCacheInvalidatorOptions.Builder options = AzureCacheInvalidatorOptions.builder()
                .connectionString(args[0])
                .topic(args[1])
                .maxStalenessWhileDisconnected(bound)
                .reorderWindow(bound.dividedBy(8))
                .publishTimeout(Duration.ofMillis(Long.parseLong(args[7])))
                .linkCheckInterval(AzureFaultMatrix.LINK_CHECK)
                .linkCheckTimeout(AzureFaultMatrix.LINK_CHECK)
                .retryOptions(AzureFaultMatrix.RETRY)
                .startTimeout(Duration.ofSeconds(30));
        if (args[2].startsWith("existing:")) {
            options.subscription(SubscriptionStrategy.existing(args[2].substring("existing:".length())));
        } else {
            options.subscription(SubscriptionStrategy.autoCreate().createTopicIfMissing())
                    .httpClient(new RelayHttpClient(Integer.parseInt(args[3])))
                    .credential(context -> Mono.just(new AccessToken("t", OffsetDateTime.now().plusHours(1))));
        }
        CacheInvalidator invalidator = AzureCacheInvalidator.create(MemoryCachingBackend.create(), options.build());
        CachingServices.setDefaultBackend(invalidator);
        VersionStore store = new VersionStore(databaseClient.connect().sync(), args[1] + ":", history);
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
                case "STATUS":
                    return status(invalidator.status());
                default:
                    throw new IllegalArgumentException("unknown command " + command);
            }
        });
        invalidator.close();
        history.close();
        databaseClient.shutdown();
        System.exit(0);
    }

    static String status(InvalidatorStatus s) {
        return "state=" + s.state() + " gaps=" + s.gapsDetected() + " lost=" + s.messagesLost() + " silent="
                + s.sendersFallenSilent() + " silentNow=" + s.silentSenders() + " subscriptions=" + s.subscriptions()
                + " received=" + s.messagesReceived() + " duplicates=" + s.duplicateMessages() + " deferred="
                + s.deferredInvalidations() + " circuit=" + s.publishCircuit() + " heartbeats=" + s.heartbeatsSent()
                + " link=" + s.details().get("receiveLink") + " throttled=" + s.details().get("throttledErrors");
    }
}
