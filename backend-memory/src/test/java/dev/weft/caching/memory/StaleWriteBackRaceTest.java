package dev.weft.caching.memory;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races stores against invalidations on two threads as hard as the machine allows. The oracle: after an
 * invalidation of K (or of a dependency K's item carries) returns, K's item, if any, must come from a load that
 * began after that invalidation began. A load reads the version before it begins, so a stored version older than
 * the last completed invalidation's version is a stale write-back.
 */
class StaleWriteBackRaceTest {

    @Test
    void noInterleavingOfStoreAndInvalidationLeavesAStaleItem() throws Exception {
        MemoryCachingBackend backend = MemoryCachingBackend.builder().executor(Runnable::run).build();
        int keys = 8;
        AtomicLong[] version = new AtomicLong[keys];
        AtomicLong[] invalidatedUpTo = new AtomicLong[keys];
        for (int i = 0; i < keys; i++) {
            version[i] = new AtomicLong();
            invalidatedUpTo[i] = new AtomicLong();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        AtomicInteger stale = new AtomicInteger();
        AtomicLong stores = new AtomicLong();
        CountDownLatch done = new CountDownLatch(2);
        Thread loader = new Thread(() -> {
            int i = 0;
            while (System.nanoTime() < deadline) {
                int k = i++ % keys;
                LoadToken t = backend.beginLoad(ItemKey.of("k" + k));
                long v = version[k].get();
                if (backend.set(t, CacheItem.of(v, null, null, List.of("d" + k)))) {
                    stores.incrementAndGet();
                }
            }
            done.countDown();
        });
        Thread writer = new Thread(() -> {
            int i = 0;
            while (System.nanoTime() < deadline) {
                int k = i++ % keys;
                long v = version[k].incrementAndGet();
                if ((i & 1) == 0) {
                    backend.invalidate("k" + k);
                } else {
                    backend.invalidateDependency("d" + k);
                }
                invalidatedUpTo[k].set(v);
                CacheItem item = backend.get(ItemKey.of("k" + k));
                if (item != null && (Long) item.value() < v) {
                    // a load that began before this invalidation stored after it: stale
                    stale.incrementAndGet();
                }
            }
            done.countDown();
        });
        loader.start();
        writer.start();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        backend.close();
        System.out.printf("stale write-back race: %,d stores, %d stale items seen%n", stores.get(), stale.get());
        assertThat(stores.get()).isPositive();
        assertThat(stale.get()).isZero();
    }
}
