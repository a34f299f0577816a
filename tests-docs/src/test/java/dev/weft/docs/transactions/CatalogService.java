package dev.weft.docs.transactions;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import dev.weft.docs.common.Product;
import dev.weft.docs.common.ProductRepository;
import org.springframework.transaction.annotation.Transactional;

/** docs/invalidation.md, Transactions: a Spring service. */
public class CatalogService {

    private final ProductRepository repository = new ProductRepository();

    @Cached
    public Product getProduct(long id) {
        return repository.load(id);
    }

    @Transactional
    @InvalidateCache("getProduct")
    public void renameProduct(long id, String newName) {
        repository.rename(id, newName);
    }
}
