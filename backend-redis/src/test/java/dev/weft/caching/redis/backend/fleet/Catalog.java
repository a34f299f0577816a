package dev.weft.caching.redis.backend.fleet;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service every instance of the fleet tests runs: a cached read over a "database" (a map the test drives, standing
 * for the database all instances share), a cached page built on it, and an invalidating update. Woven at
 * test-compile time like a user's class. A read can be held inside its body, after it read the database, until the
 * test opens the gate: a slow load.
 */
public class Catalog {

    public final Map<Long, String> database = new ConcurrentHashMap<>();
    public final AtomicInteger sourceCalls = new AtomicInteger();
    /** Counted down by a held read once it has read the database. */
    public volatile CountDownLatch entered = new CountDownLatch(0);
    /** Held reads wait for it. */
    public volatile CountDownLatch gate = new CountDownLatch(0);
    /** While set, {@link #getPrice} throws, as a source that is down would. */
    public volatile boolean priceSourceDown;

    @Cached(dependsOn = "product:{id}", absoluteExpiration = "10m")
    public String getProduct(long id) {
        sourceCalls.incrementAndGet();
        String value = database.getOrDefault(id, "none");
        entered.countDown();
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return value;
    }

    /**
     * A read that expires after a second and may be served for three more when its reload throws (fail-safe):
     * short, so that a test sees the whole life of an entry.
     */
    @Cached(dependsOn = "product:{id}", absoluteExpiration = "1s", failSafe = "3s")
    public String getPrice(long id) {
        sourceCalls.incrementAndGet();
        if (priceSourceDown) {
            throw new IllegalStateException("the price source is down");
        }
        return database.getOrDefault(id, "none");
    }

    /** A page built on two products: a nested cached call passes its key and dependencies up. */
    @Cached(absoluteExpiration = "10m")
    public String getPair(long first, long second) {
        return getProduct(first) + "+" + getProduct(second);
    }

    @InvalidateCache("getProduct")
    public void rename(long id, String name) {
        database.put(id, name);
    }

    /** Holds the next reads in their bodies until {@link #open()}. */
    public void hold(int reads) {
        entered = new CountDownLatch(reads);
        gate = new CountDownLatch(1);
    }

    public void open() {
        gate.countDown();
    }
}
