package dev.weft.caching.redis.backend.fleet;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.caching.redis.backend.RedisCachingBackendStatus;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.testing.jvm.ChildChannel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An instance of the application in its own JVM: a {@link Catalog} cached by a {@link RedisCachingBackend}.
 * Arguments: Redis URI (or {@code cluster:uri,uri,...}), key prefix, {@code two-level} or {@code redis-only},
 * {@code single-flight} or {@code no-single-flight}, and optionally the {@code maximumLoadDuration} (which bounds the
 * lease of a fleet-wide load) as an ISO-8601 duration, {@code PT2S}.
 *
 * <p>Commands: {@code DB id name} (the database only), {@code GET id}, {@code PRICE id} (the fail-safe read),
 * {@code PAIR a b}, {@code RENAME id name},
 * {@code INVDEP dependency}, {@code CLEAR}, {@code CALLS}, {@code HOLD n} (hold the next n reads in their bodies),
 * {@code SLOWGET id} (a read in the background; answers once its body read the database), {@code OPEN},
 * {@code RESULT} (the background reads' answers), {@code BURST id threads} (that many threads read at once, in the
 * background), {@code STATUS}.
 */
public final class PeerMain {

    private PeerMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        RedisCachingBackend backend = FleetBackends.create(args[0], args[1], args[2].equals("two-level"),
                args[3].equals("single-flight"), args.length > 4 ? Duration.parse(args[4])
                        : RedisCachingBackendOptions.DEFAULT_MAXIMUM_LOAD_DURATION);
        CachingServices.setDefaultBackend(backend);
        if (!backend.awaitConnected(Duration.ofSeconds(20))) {
            throw new IllegalStateException("not subscribed: " + backend.status());
        }
        Catalog catalog = new Catalog();
        ExecutorService background = Executors.newCachedThreadPool();
        List<CompletableFuture<String>> running = new ArrayList<>();
        channel.ready();
        channel.serve(command -> {
            String[] w = command.split(" ", 3);
            switch (w[0]) {
                case "DB":
                    catalog.database.put(Long.parseLong(w[1]), w[2]);
                    return "OK";
                case "GET":
                    return catalog.getProduct(Long.parseLong(w[1]));
                case "PRICE":
                    return catalog.getPrice(Long.parseLong(w[1]));
                case "PAIR":
                    return catalog.getPair(Long.parseLong(w[1]), Long.parseLong(w[2]));
                case "RENAME":
                    catalog.rename(Long.parseLong(w[1]), w[2]);
                    return "OK";
                case "INVDEP":
                    CachingServices.invalidateDependency(w[1]);
                    return "OK";
                case "CLEAR":
                    CachingServices.clear();
                    return "OK";
                case "CALLS":
                    return String.valueOf(catalog.sourceCalls.get());
                case "HOLD":
                    catalog.hold(Integer.parseInt(w[1]));
                    return "OK";
                case "SLOWGET": {
                    long id = Long.parseLong(w[1]);
                    running.add(CompletableFuture.supplyAsync(() -> catalog.getProduct(id), background));
                    if (!catalog.entered.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the read did not reach its body");
                    }
                    return "STARTED";
                }
                case "OPEN":
                    catalog.open();
                    return "OK";
                case "RESULT": {
                    List<String> answers = new ArrayList<>();
                    for (CompletableFuture<String> f : running) {
                        answers.add(f.get(30, TimeUnit.SECONDS));
                    }
                    running.clear();
                    return String.join(",", answers);
                }
                case "BURST": {
                    long id = Long.parseLong(w[1]);
                    int threads = Integer.parseInt(w[2]);
                    CyclicBarrier start = new CyclicBarrier(threads);
                    for (int i = 0; i < threads; i++) {
                        running.add(CompletableFuture.supplyAsync(() -> {
                            try {
                                start.await(30, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            return catalog.getProduct(id);
                        }, background));
                    }
                    return "OK";
                }
                case "STATUS": {
                    RedisCachingBackendStatus s = backend.status();
                    return s.health() + " peerWaits=" + s.peerWaits() + " peerLoadsUsed=" + s.peerLoadsUsed()
                            + " writes=" + s.writes() + " writesRefused=" + s.writesRefused() + " hits=" + s.hits();
                }
                default:
                    throw new IllegalArgumentException("unknown command " + command);
            }
        });
        background.shutdownNow();
        backend.close();
        System.exit(0);
    }

    static List<String> seeds(String uri) {
        return Arrays.asList(uri.substring(FleetBackends.CLUSTER.length()).split(","));
    }
}
