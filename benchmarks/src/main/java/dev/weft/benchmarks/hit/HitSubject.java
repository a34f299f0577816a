package dev.weft.benchmarks.hit;

import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.HotKeys;
import dev.weft.benchmarks.variants.CacheSpec;
import dev.weft.benchmarks.variants.Subject;

/**
 * A variant filled with every hot key of both hit-path methods, and the proof that the measured calls were hits.
 *
 * <p>{@link #open} calls each of the 2 × 1024 hot keys once (each must reach the source exactly once), then once more
 * (none may reach it: this is also what fails when a service is not woven). {@link #checkAllHits} runs after every
 * warm-up and measurement iteration and fails the trial if any call reached the source since.
 */
public abstract class HitSubject {

    private Subject subject;
    private CatalogSource source;
    private long loadsWhenFilled;
    public CatalogService service;

    public void open(String variant) {
        open(variant, 0);
    }

    /**
     * Opens and fills {@code variant}; then, if {@code coldEntries > 0}, adds that many entries that are never read
     * again (product ids from {@value #FIRST_COLD_ID}) and runs the cache's maintenance, so that the cache holds more
     * than the hot keys (Caffeine changes its read path once a cache is half full).
     */
    public void open(String variant, int coldEntries) {
        open(variant, coldEntries, CacheSpec.MAXIMUM_SIZE);
    }

    /** {@link #open(String, int)} with caches of at most {@code maximumSize} entries. */
    public void open(String variant, int coldEntries, int maximumSize) {
        source = new CatalogSource();
        subject = Subject.open(variant, source, maximumSize);
        service = subject.service();
        callEveryHotKey();
        if (subject.caches()) {
            expectLoads(HotKeys.COUNT, HotKeys.COUNT, "after one call of each hot key");
            callEveryHotKey();
            expectLoads(HotKeys.COUNT, HotKeys.COUNT, "after a second call of each hot key (the variant does not cache)");
            for (int i = 0; i < coldEntries; i++) {
                service.getProduct(FIRST_COLD_ID + i);
            }
            subject.runMaintenance();
            callEveryHotKey();
            expectLoads(HotKeys.COUNT + coldEntries, HotKeys.COUNT, "after " + coldEntries + " cold entries");
        }
        loadsWhenFilled = loads();
    }

    /** The first product id of the cold entries. */
    static final int FIRST_COLD_ID = 1_000_000;

    private void callEveryHotKey() {
        for (int k = 0; k < HotKeys.COUNT; k++) {
            if (service.getProduct(HotKeys.productId(k)).id() != HotKeys.productId(k)) {
                throw new IllegalStateException(subject.name() + ": wrong product for key " + k);
            }
            if (service.search(HotKeys.query(k), HotKeys.page(k), HotKeys.desc(k)).page() != HotKeys.page(k)) {
                throw new IllegalStateException(subject.name() + ": wrong search result for key " + k);
            }
        }
    }

    private void expectLoads(long products, long searches, String when) {
        if (source.productLoads() != products || source.searchLoads() != searches) {
            throw new IllegalStateException(subject.name() + ": expected " + products + " product and " + searches
                    + " search loads " + when + ", got " + source.productLoads() + " and " + source.searchLoads());
        }
    }

    private long loads() {
        return source.productLoads() + source.searchLoads();
    }

    public void checkAllHits() {
        if (subject.caches() && loads() != loadsWhenFilled) {
            throw new IllegalStateException(subject.name() + ": " + (loads() - loadsWhenFilled) + " calls reached the "
                    + "source during the iteration: not every measured call was a cache hit");
        }
    }

    /** Calls of hot keys (of either method) that reached the source so far. */
    public long hotKeyLoads() {
        return source.hotProductLoads() + source.searchLoads();
    }

    /** The variant's source. */
    public CatalogSource source() {
        return source;
    }

    /** The variant. */
    public Subject subject() {
        return subject;
    }

    public void close() throws Exception {
        subject.close();
    }
}
