package dev.weft.docs.readme;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.docs.common.Product;
import dev.weft.docs.common.ProductRepository;

/** README.md, "Usage". */
public class ProductService {

    private final ProductRepository repository = new ProductRepository();

    @Cached(absoluteExpiration = "10m", dependsOn = "product:{id}")
    public Product getProduct(long id) {
        return repository.load(id);
    }

    @InvalidateCache("getProduct")
    public void renameProduct(long id, String newName) {
        repository.rename(id, newName);
    }
}

/** README.md, "Usage": start-up and imperative invalidation, in the block's order. */
final class StartUp {

    private StartUp() {
    }

    static void run(ProductService productService) {
        CachingServices.setDefaultBackend(MemoryCachingBackend.builder().maximumSize(50_000).build());
        CachingServices.invalidate(() -> productService.getProduct(42));
        CachingServices.invalidateDependency("product:42");
    }
}
