package dev.weft.samples.boot;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Products in the database. {@link #findProduct} is cached in the {@code products} profile (its expiration comes from
 * {@code weft.profiles.products.*}); {@link #rename} removes the entry, in every instance when an invalidator is
 * configured.
 */
@Repository
public class ProductRepository {

    private final JdbcClient jdbc;
    private final AtomicLong queries = new AtomicLong();

    public ProductRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The product, or empty; an unknown id is cached too, so a flood of them does not reach the database. */
    @Cached(profile = "products", dependsOn = "product:{id}")
    public Optional<Product> findProduct(long id) {
        queries.incrementAndGet();
        return jdbc.sql("SELECT id, name, price_cents FROM product WHERE id = ?")
                .param(id)
                .query((rs, row) -> new Product(rs.getLong("id"), rs.getString("name"), rs.getLong("price_cents")))
                .optional();
    }

    /** Renames a product; returns whether it exists. */
    @InvalidateCache("findProduct")
    public boolean rename(long id, String name) {
        return jdbc.sql("UPDATE product SET name = ? WHERE id = ?").param(name).param(id).update() == 1;
    }

    /** SQL queries run so far: a cache hit runs none. */
    public long queries() {
        return queries.get();
    }
}
