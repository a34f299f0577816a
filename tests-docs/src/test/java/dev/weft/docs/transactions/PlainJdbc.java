package dev.weft.docs.transactions;

import dev.weft.caching.transaction.TransactionScope;

import java.sql.Connection;
import java.sql.SQLException;

/** docs/invalidation.md, Transactions: a transaction the application commits itself. */
final class PlainJdbc {

    private final CatalogService productService = new CatalogService();

    void rename(Connection connection) throws SQLException {
        try (TransactionScope cache = TransactionScope.begin()) {
            connection.setAutoCommit(false);
            productService.renameProduct(42, "Ristretto");
            connection.commit();
            cache.afterCommit();
        }
    }
}
