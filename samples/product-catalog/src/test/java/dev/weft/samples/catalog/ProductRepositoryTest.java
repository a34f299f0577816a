package dev.weft.samples.catalog;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository, woven as the sample builds it, over a private in-memory H2 database and the memory backend. */
class ProductRepositoryTest {

    private CatalogDatabase database;
    private ProductRepository repository;
    private MemoryCachingBackend backend;

    @BeforeEach
    void openDatabase() throws SQLException {
        backend = MemoryCachingBackend.create();
        CachingServices.setDefaultBackend(backend);
        database = CatalogDatabase.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        repository = new ProductRepository(database);
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        }
        database.close();
        backend.close();
    }

    @Test
    void anEmptyDatabaseIsSeededWithTenThousandProducts() throws SQLException {
        assertThat(query("SELECT COUNT(*) FROM product")).isEqualTo(CatalogDatabase.SEED_PRODUCTS);
    }

    @Test
    void theSecondReadOfAProductIsAnsweredByTheCache() {
        ProductRepository.Lookup first = repository.lookup(42);
        ProductRepository.Lookup second = repository.lookup(42);

        assertThat(first.fromDatabase()).isTrue();
        assertThat(second.fromDatabase()).isFalse();
        assertThat(second.product()).isEqualTo(first.product());
    }

    @Test
    void anUpdateRemovesTheCachedProduct() {
        repository.lookup(42);

        assertThat(repository.updateProduct(42, "Blue Mug", null)).isTrue();

        ProductRepository.Lookup after = repository.lookup(42);
        assertThat(after.fromDatabase()).isTrue();
        assertThat(after.product()).hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("Blue Mug"));
    }

    @Test
    void anUpdateKeepsTheFieldsItDoesNotGive() {
        long price = repository.getProduct(5).orElseThrow().priceCents();

        repository.updateProduct(5, "Teapot", null);

        assertThat(repository.getProduct(5).orElseThrow().priceCents()).isEqualTo(price);
    }

    @Test
    void theChangeFeedsDependencyRemovesTheCachedProduct() {
        repository.lookup(7);

        CachingServices.invalidateDependency("product:7");

        assertThat(repository.lookup(7).fromDatabase()).isTrue();
    }

    @Test
    void aMissingProductIsCachedAsEmpty() {
        assertThat(repository.lookup(20_000).product()).isEmpty();
        assertThat(repository.lookup(20_000).fromDatabase()).isFalse();
    }

    @Test
    void updatingAMissingProductReportsIt() {
        assertThat(repository.updateProduct(20_000, "Ghost", 1L)).isFalse();
    }

    @Test
    void theDatabaseSetsANewChangeSequenceOnEveryRealChange() throws SQLException {
        long before = changeSeq(9);

        execute("UPDATE product SET price_cents = price_cents + 1 WHERE id = 9");
        long changed = changeSeq(9);
        execute("UPDATE product SET price_cents = price_cents WHERE id = 9");

        assertThat(changed).isGreaterThan(query("SELECT MAX(change_seq) FROM product WHERE id <> 9"));
        assertThat(changed).isGreaterThan(before);
        assertThat(changeSeq(9)).as("an update that changes nothing is not a change").isEqualTo(changed);
    }

    @Test
    void anInsertedProductGetsAChangeSequenceToo() throws SQLException {
        long highest = query("SELECT MAX(change_seq) FROM product");

        execute("INSERT INTO product(id, name, price_cents) VALUES (20001, 'New', 100)");

        assertThat(changeSeq(20_001)).isGreaterThan(highest);
    }

    private long changeSeq(long id) throws SQLException {
        return query("SELECT change_seq FROM product WHERE id = " + id);
    }

    private long query(String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }
}
