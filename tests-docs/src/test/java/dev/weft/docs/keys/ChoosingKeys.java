package dev.weft.docs.keys;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;

/** docs/keys.md, "Choosing keys": ids rather than entities, and a filter whose key text holds every field. */
class ChoosingKeys {

    /** A mutable entity, as an ORM maps it. */
    static class ProductEntity {
        long id;
        String name;

        long getId() {
            return id;
        }
    }

    record Price(long cents) {
    }

    static class PriceService {

        @Cached(dependsOn = "product:{productId}")
        public Price priceOf(long productId) {
            return new Price(productId);
        }

        void caller(ProductEntity product) {
            Price price = priceOf(product.getId());
        }
    }
}

/** docs/keys.md: a filter whose toString() is for people and whose key text holds every field. */
class OrderFilter implements CacheKey {
    private final String customer;
    private final int page;

    OrderFilter(String customer, int page) {
        this.customer = customer;
        this.page = page;
    }

    @Override
    public String toString() {
        return "OrderFilter[" + customer + "]";
    }

    @Override
    public String toCacheKey() {
        return customer + "/" + page;
    }
}
