package dev.weft.caching.tests;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.testing.jvm.ChildChannel;

import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;

/**
 * Another instance of the application of {@link TransactionsAcrossInstancesTest}, in its own JVM: the same
 * {@link TransactionalCatalog} over the shared H2 database (no transactions here), kept in sync by a
 * {@link RedisCacheInvalidator}. Arguments: Redis URI, channel, JDBC URL.
 * Commands: {@code GET id}, {@code LOADS} (bodies run so far).
 */
public final class TransactionPeer {

    private TransactionPeer() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), args[0],
                RedisCacheInvalidatorOptions.builder().channel(args[1]).build());
        CachingServices.setDefaultBackend(invalidator);
        if (!invalidator.awaitConnected(Duration.ofSeconds(20))) {
            throw new IllegalStateException("not subscribed: " + invalidator.status());
        }
        JdbcDataSource database = new JdbcDataSource();
        database.setURL(args[2]);
        TransactionalCatalog catalog = new TransactionalCatalog(new JdbcTemplate(database));
        channel.ready();
        channel.serve(command -> {
            String[] w = command.split(" ");
            return switch (w[0]) {
                case "GET" -> catalog.getName(Long.parseLong(w[1]));
                case "LOADS" -> String.valueOf(catalog.loads());
                default -> throw new IllegalArgumentException("unknown command " + command);
            };
        });
        invalidator.close();
    }
}
