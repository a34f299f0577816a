package dev.weft.benchmarks.subjects;

import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What the services' method bodies call: the "database". It counts every call that reaches it, so a benchmark can
 * prove that its measured calls were all cache hits.
 *
 * <p>{@link #product} and {@link #search} return preallocated objects (an array read, a map read); {@link #quote}
 * burns {@value #QUOTE_WORK_TOKENS} tokens of {@link Blackhole#consumeCPU} (a few microseconds) and allocates its
 * result. Thread-safe.
 */
public final class CatalogSource {

    /** The CPU a quote costs, in {@link Blackhole#consumeCPU} tokens. */
    public static final int QUOTE_WORK_TOKENS = 1000;

    private final Product[] products = new Product[HotKeys.COUNT];
    private final Map<String, Integer> queryIndexes = new HashMap<>();
    private final SearchResult[] results = new SearchResult[HotKeys.COUNT];
    private final Product coldProduct = new Product(-1, "cold product", 1);
    private final LongAdder productLoads = new LongAdder();
    private final LongAdder hotProductLoads = new LongAdder();
    private final LongAdder searchLoads = new LongAdder();
    private final LongAdder quoteLoads = new LongAdder();
    private volatile LongConsumer quoteObserver = sku -> { };

    public CatalogSource() {
        for (int k = 0; k < HotKeys.COUNT; k++) {
            int id = HotKeys.productId(k);
            products[k] = new Product(id, "product " + id, 100 + k);
        }
        for (int q = 0; q < HotKeys.queryCount(); q++) {
            queryIndexes.put(HotKeys.query(q << 4), q);
        }
        for (int k = 0; k < HotKeys.COUNT; k++) {
            List<Product> page = new ArrayList<>(10);
            for (int i = 0; i < 10; i++) {
                page.add(products[(k * 10 + i) % HotKeys.COUNT]);
            }
            results[k] = new SearchResult(HotKeys.query(k), HotKeys.page(k), HotKeys.desc(k), List.copyOf(page));
        }
    }

    /**
     * The product with that id: preallocated for a hot id; for any other id one preallocated "cold product" (id -1),
     * so that a miss costs the caching layer and not the body.
     */
    public Product product(int id) {
        productLoads.increment();
        int k = id - HotKeys.FIRST_PRODUCT_ID;
        if (k >= 0 && k < HotKeys.COUNT) {
            hotProductLoads.increment();
            return products[k];
        }
        return coldProduct;
    }

    /** The page of results; an empty page for a key that is not a hot one. */
    public SearchResult search(String query, int page, boolean desc) {
        searchLoads.increment();
        Integer q = queryIndexes.get(query);
        int k = HotKeys.searchIndex(q == null ? -1 : q, page, desc);
        return k >= 0 ? results[k] : new SearchResult(query, page, desc, List.of());
    }

    /** Computes a quote: a few microseconds of CPU, then tells the observer (set by the benchmark) it ran. */
    public Quote quote(long sku) {
        quoteLoads.increment();
        Blackhole.consumeCPU(QUOTE_WORK_TOKENS);
        Quote quote = new Quote(sku, 1000 + (sku & 0xFFFF));
        quoteObserver.accept(sku);
        return quote;
    }

    /** Called with the sku at the end of every quote body, on the thread that ran it. */
    public void observeQuotes(LongConsumer observer) {
        this.quoteObserver = Objects.requireNonNull(observer, "observer");
    }

    /** Calls of {@link #product} so far. */
    public long productLoads() {
        return productLoads.sum();
    }

    /** Calls of {@link #product} with a hot id so far. */
    public long hotProductLoads() {
        return hotProductLoads.sum();
    }

    /** Calls of {@link #search} so far. */
    public long searchLoads() {
        return searchLoads.sum();
    }

    /** Calls of {@link #quote} so far. */
    public long quoteLoads() {
        return quoteLoads.sum();
    }
}
