package dev.weft.samples.catalog;

import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The catalog's H2 database: the schema, the seed data, and a small connection pool.
 *
 * <p>The {@code product.change_seq} column is the change feed's contract with the database: H2 fills it from a
 * sequence on every insert ({@code DEFAULT}) and every update that changes the row ({@code ON UPDATE}), whoever
 * runs the statement - this application, the H2 shell, a batch job. The change feed reads it; nobody writes it.
 *
 * <p>Thread-safe. {@link #close()} closes the pool.
 */
final class CatalogDatabase implements AutoCloseable {

    /** How many products an empty database is seeded with. */
    static final int SEED_PRODUCTS = 10_000;
    /** H2's customary administrator; the sample's database has no password (it listens on loopback only). */
    static final String USER = "sa";
    static final String PASSWORD = "";

    private static final Logger LOG = LoggerFactory.getLogger(CatalogDatabase.class);
    private static final int MAX_CONNECTIONS = 16;
    /** H2's error code for a unique index or primary key violation. */
    private static final int DUPLICATE_KEY = 23505;

    private final JdbcConnectionPool pool;
    private final String url;

    private CatalogDatabase(String url) {
        this.url = url;
        this.pool = JdbcConnectionPool.create(url, USER, PASSWORD);
        pool.setMaxConnections(MAX_CONNECTIONS);
    }

    /**
     * Connects to {@code url}, creates the schema if missing and seeds an empty product table.
     *
     * @throws SQLException if the database cannot be reached or prepared
     */
    static CatalogDatabase open(String url) throws SQLException {
        CatalogDatabase database = new CatalogDatabase(url);
        try {
            database.prepare();
            return database;
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** A pooled connection; the caller closes it. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** The JDBC URL. */
    String url() {
        return url;
    }

    private void prepare() throws SQLException {
        try (Connection connection = connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SEQUENCE IF NOT EXISTS product_change_seq");
            statement.execute("CREATE TABLE IF NOT EXISTS product ("
                    + "id BIGINT PRIMARY KEY, "
                    + "name VARCHAR(200) NOT NULL, "
                    + "price_cents BIGINT NOT NULL CHECK (price_cents >= 0), "
                    // H2 evaluates ON UPDATE only when the statement changed the row, so a no-op update is not
                    // a change the feed has to publish.
                    + "change_seq BIGINT DEFAULT NEXT VALUE FOR product_change_seq "
                    + "ON UPDATE NEXT VALUE FOR product_change_seq NOT NULL)");
            statement.execute("CREATE INDEX IF NOT EXISTS product_change_seq_idx ON product(change_seq)");
            seedIfEmpty(statement);
        }
    }

    private void seedIfEmpty(Statement statement) throws SQLException {
        if (count(statement) > 0) {
            return;
        }
        try {
            // One statement, so that two processes starting on an empty database cannot interleave half seeds:
            // the second one fails on the primary key and finds the first one's rows.
            int rows = statement.executeUpdate("INSERT INTO product(id, name, price_cents) "
                    + "SELECT x, 'Product ' || x, 100 + MOD(x * 7919, 99900) FROM SYSTEM_RANGE(1, " + SEED_PRODUCTS
                    + ")");
            LOG.info("seeded {} products into {}", rows, url);
        } catch (SQLException e) {
            if (e.getErrorCode() != DUPLICATE_KEY) {
                throw e;
            }
            LOG.info("another process seeded {} at the same time", url);
        }
    }

    private static long count(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM product")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
