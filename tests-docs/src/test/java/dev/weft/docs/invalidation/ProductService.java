package dev.weft.docs.invalidation;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.PropagationSuspension;
import dev.weft.docs.common.Product;
import dev.weft.docs.common.ProductRepository;

import java.util.List;
import java.util.Locale;

/** docs/invalidation.md. */
public class ProductService {

    /** A page of products. */
    public record Page(List<Product> products) {
    }

    /** The audit service the suspension example calls. */
    public static class AuditService {
        @Cached
        public List<String> lastEntries() {
            return List.of();
        }
    }

    private final ProductRepository dao = new ProductRepository();
    private final AuditService auditService = new AuditService();

    @Cached(dependsOn = "product:{id}")
    public Product getProduct(long id) {
        return dao.load(id);
    }

    @Cached
    public Product getProduct(long id, Locale locale) {
        return dao.load(id);
    }

    @InvalidateCache("getProduct")
    public void renameProduct(long id, String newName) {
        dao.rename(id, newName);
    }

    @Cached
    public Page getPage(int n) {
        List<Product> products = dao.page(n);
        for (Product p : products) {
            CachingContext.current().addDependency("product:" + p.id());
        }
        return new Page(products);
    }

    static void onChangeFeed() {
        CachingServices.invalidateDependency("product:42");
    }

    @InvalidateCache(value = {}, dependencies = "product:{id}")
    public void updateProduct(long id, String name) {
        dao.rename(id, name);
    }

    @Cached
    public String audited() {
        try (PropagationSuspension s = CachingServices.suspendDependencyPropagation()) {
            auditService.lastEntries();
        }
        return "audited";
    }

    static void imperatively(ProductService productService) {
        CachingServices.invalidate(() -> productService.getProduct(42));
        Product fresh = CachingServices.refresh(() -> productService.getProduct(42));
        CachingServices.invalidateDependency("product:42");
    }
}
