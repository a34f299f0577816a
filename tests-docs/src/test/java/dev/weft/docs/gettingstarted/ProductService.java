package dev.weft.docs.gettingstarted;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.docs.common.Product;
import dev.weft.docs.common.ProductRepository;

import java.time.Duration;

/** docs/getting-started.md: the first cached method, the backend, a profile. */
public class ProductService {

    private final ProductRepository repository = new ProductRepository();

    @Cached(absoluteExpiration = "10m")
    public Product getProduct(long id) {
        return repository.load(id);
    }

    @InvalidateCache("getProduct")
    public void renameProduct(long id, String newName) {
        repository.rename(id, newName);
    }

    static void startUp() {
        CachingServices.setDefaultBackend(MemoryCachingBackend.builder().maximumSize(50_000).build());
        CachingServices.setProfile(CachingProfile.builder("products")
                .absoluteExpiration(Duration.ofMinutes(10))
                .slidingExpiration(Duration.ofMinutes(2))
                .build());
    }

    static void checkWeaving() {
        CachingServices.verifyWoven(ProductService.class, PriceService.class);
    }

    /** A second service, for the weaving check. */
    static class PriceService {
        @Cached
        long price(String sku) {
            return sku.length();
        }
    }
}
