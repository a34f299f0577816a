package dev.weft.samples.catalog;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;
import java.util.Optional;

/**
 * Products by plain JDBC, cached by Weft: {@link #getProduct(long)} runs its query on a miss only, and
 * {@link #updateProduct(long, String, Long)} removes the cached product in this instance and, through the
 * invalidator, in every other one.
 *
 * <p>Thread-safe.
 */
public class ProductRepository {

    private final CatalogDatabase database;
    /** Set by the body of getProduct, which runs on a miss only: tells a caller where its answer came from. */
    private final ThreadLocal<Boolean> loadedOnThisThread = ThreadLocal.withInitial(() -> Boolean.FALSE);

    ProductRepository(CatalogDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * The product with this id, or empty. Cached per id, and the entry carries the dependency {@code product:<id>},
     * which the change feed invalidates when the row changes in the database. A missing product is cached too (as
     * empty), so the feed also publishes inserts. The expiration is only a safety net for changes nobody publishes
     * (deleted rows: see the README).
     */
    @Cached(absoluteExpiration = "10m", dependsOn = "product:{id}")
    public Optional<Product> getProduct(long id) {
        loadedOnThisThread.set(Boolean.TRUE);
        try (Connection connection = database.connection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, name, price_cents, change_seq FROM product WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Product(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            // Thrown, so nothing is cached: the next call tries the database again.
            throw new DatabaseException("cannot read product " + id, e);
        }
    }

    /**
     * Changes a product's name, price, or both ({@code null} keeps the current value). Once it returns, the cached
     * {@code getProduct(id)} is gone here, and the invalidator has published its removal to the other instances.
     *
     * @return whether the product exists
     */
    @InvalidateCache("getProduct")
    public boolean updateProduct(long id, String name, Long priceCents) {
        try (Connection connection = database.connection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE product SET name = COALESCE(?, name), price_cents = COALESCE(?, price_cents) "
                             + "WHERE id = ?")) {
            update.setString(1, name);
            if (priceCents == null) {
                update.setNull(2, Types.BIGINT);
            } else {
                update.setLong(2, priceCents);
            }
            update.setLong(3, id);
            return update.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new DatabaseException("cannot update product " + id, e);
        }
    }

    /** {@link #getProduct(long)}, telling whether this call ran the query (a miss) or was answered by the cache. */
    Lookup lookup(long id) {
        loadedOnThisThread.set(Boolean.FALSE);
        long start = System.nanoTime();
        Optional<Product> product = getProduct(id);
        long nanos = System.nanoTime() - start;
        return new Lookup(product, loadedOnThisThread.get(), nanos);
    }

    /**
     * The outcome of a {@link #lookup(long)}.
     *
     * @param product      the product, or empty
     * @param fromDatabase whether this call ran the query; false when the cache answered (or another thread's
     *                     load of the same id did)
     * @param nanos        how long the call took
     */
    record Lookup(Optional<Product> product, boolean fromDatabase, long nanos) {
    }

    /** A database error, unchecked so that it passes through the cached method unchanged. */
    static final class DatabaseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DatabaseException(String message, SQLException cause) {
            super(message + ": " + cause.getMessage(), cause);
        }
    }
}
