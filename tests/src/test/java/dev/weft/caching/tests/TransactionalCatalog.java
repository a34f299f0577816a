package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.InvalidateCache;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service as an application writes it: a cached read, a write Weft hears of, and transactional use cases, for
 * {@link SpringTransactionsTest} and {@link TransactionsAcrossInstancesTest} (whose peer JVM uses it without Spring's
 * transactions). Tests reach its state through methods: the bean they hold is Spring's transactional proxy, whose
 * fields are unset.
 */
class TransactionalCatalog {

    private final JdbcTemplate jdbc;
    private final AtomicInteger loads = new AtomicInteger();
    private volatile Runnable afterRead = () -> { };

    TransactionalCatalog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the table with product 1, "Espresso", then the catalog. */
    static TransactionalCatalog withSchema(JdbcTemplate jdbc) {
        jdbc.execute("create table product (id bigint primary key, name varchar(100))");
        jdbc.update("insert into product values (1, 'Espresso')");
        return new TransactionalCatalog(jdbc);
    }

    /** Thrown to roll a transaction back; carries what the transaction read. */
    static final class Rollback extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String seen;

        Rollback(String seen) {
            super("rolled back after reading " + seen, null, false, false);
            this.seen = seen;
        }
    }

    @Cached
    public String getName(long id) {
        loads.incrementAndGet();
        String name = jdbc.queryForObject("select name from product where id = ?", String.class, id);
        afterRead.run();
        return name;
    }

    @InvalidateCache("getName")
    public void writeName(long id, String name) {
        jdbc.update("update product set name = ? where id = ?", name, id);
    }

    /** Renames, then runs {@code beforeCommit}, still inside the transaction. */
    @Transactional
    public void rename(long id, String name, Runnable beforeCommit) {
        writeName(id, name);
        beforeCommit.run();
    }

    /** Renames and reads the row back inside the transaction, which commits. */
    @Transactional
    public String renameAndRead(long id, String name) {
        writeName(id, name);
        return getName(id);
    }

    /** Renames, reads the row back, runs {@code afterOwnRead}, then fails: the transaction rolls back. */
    @Transactional
    public String renameReadAndFail(long id, String name, Runnable afterOwnRead) {
        writeName(id, name);
        String seen = getName(id);
        afterOwnRead.run();
        throw new Rollback(seen);
    }

    /** Changes the row with plain SQL, which Weft does not hear of, reads it back, then fails. */
    @Transactional
    public String quietlyRenameReadAndFail(long id, String name) {
        jdbc.update("update product set name = ? where id = ?", name, id);
        throw new Rollback(getName(id));
    }

    /** Reads twice in a transaction that writes nothing. */
    @Transactional
    public String readTwice(long id) {
        getName(id);
        return getName(id);
    }

    /** Renames, then reads in a new transaction (REQUIRES_NEW suspends this one), which commits first. */
    @Transactional
    public String renameThenReadInANewTransaction(long id, String name, TransactionalCatalog self) {
        writeName(id, name);
        return self.readInNewTransaction(id);
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public String readInNewTransaction(long id) {
        return getName(id);
    }

    @Transactional(readOnly = true)
    public String readOnly(long id) {
        return getName(id);
    }

    /** Bodies of {@link #getName} run so far. */
    public int loads() {
        return loads.get();
    }

    /** Runs {@code hook} inside {@link #getName}'s body after the read, on the loading thread. */
    public void afterRead(Runnable hook) {
        afterRead = hook;
    }

    public void shutDownDatabase() {
        jdbc.execute("shutdown");
    }
}
