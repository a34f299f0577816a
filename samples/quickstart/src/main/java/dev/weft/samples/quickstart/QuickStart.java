package dev.weft.samples.quickstart;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Weft in one screen: a slow {@code getProduct} made fast by {@code @Cached}, kept correct by
 * {@code @InvalidateCache} and {@code CachingServices.invalidate}.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) {
        // 1. At start-up: choose the backend (this is also the default when none is set).
        MemoryCachingBackend backend = MemoryCachingBackend.builder().maximumSize(10_000).build();
        CachingServices.setDefaultBackend(backend);

        ProductService service = new ProductService();
        System.out.println("Weft quick-start: ProductService.getProduct(id) reads a source that takes 200 ms.");
        System.out.println();

        double miss = time("getProduct(1)", "miss: ran the method", () -> service.getProduct(1));
        double hit = time("getProduct(1)", "hit", () -> service.getProduct(1));
        for (int i = 0; i < 100_000; i++) {
            service.getProduct(1); // let the JIT compile the hit path
        }
        double warmHit = time("getProduct(1)", "hit, after 100,000 more hits", () -> service.getProduct(1));
        time("getProduct(2)", "miss: other arguments, other entry", () -> service.getProduct(2));

        System.out.println();
        System.out.println("renameProduct(1, \"Ristretto\")   @InvalidateCache(\"getProduct\") removes getProduct(1)");
        service.renameProduct(1, "Ristretto");
        time("getProduct(1)", "miss: reloaded after the invalidation", () -> service.getProduct(1));
        time("getProduct(1)", "hit", () -> service.getProduct(1));
        time("getProduct(2)", "hit: not invalidated", () -> service.getProduct(2));

        System.out.println();
        System.out.println("changePriceBehindTheCachesBack(2, 390), then CachingServices.invalidate(() -> "
                + "service.getProduct(2))");
        service.changePriceBehindTheCachesBack(2, 390);
        CachingServices.invalidate(() -> service.getProduct(2));
        time("getProduct(2)", "miss: reloaded with the new price", () -> service.getProduct(2));

        System.out.println();
        System.out.printf(Locale.ROOT, "A hit took %.4f ms against %.1f ms for a miss: %,.0f times faster "
                + "(first hit, cold JIT: %.3f ms).%n", warmHit, miss, miss / warmHit, hit);
        backend.close();
    }

    private static double time(String call, String what, Supplier<Product> action) {
        long start = System.nanoTime();
        Product p = action.get();
        double ms = (System.nanoTime() - start) / 1e6;
        System.out.printf(Locale.ROOT, "  %-15s -> %-55s %9.4f ms  (%s)%n", call, p, ms, what);
        return ms;
    }
}
