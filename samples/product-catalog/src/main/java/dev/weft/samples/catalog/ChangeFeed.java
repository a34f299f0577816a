package dev.weft.samples.catalog;

import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.caching.invalidation.PublishMode;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the changes made to the {@code product} table by anyone - this sample's API, H2's Shell, a batch job -
 * as {@code invalidateDependency("product:<id>")}, so that every API instance drops what it cached of that product.
 * It owns no cache: it publishes through {@link RedisCacheInvalidator#publisher}.
 *
 * <p>How it stays correct:
 * <ul>
 *   <li>It polls {@code product.change_seq}, which H2 itself sets from a sequence on every insert and update;
 *       {@link ChangePosition} explains how it copes with changes that commit out of sequence order.</li>
 *   <li>It publishes fire-and-forget, so a slow or absent Redis never blocks the poll, but it reads nothing new
 *       until Redis acknowledged everything it published: while Redis is down (the publisher retries) it waits,
 *       instead of queueing without bound.</li>
 *   <li>It persists its watermark only when everything published is acknowledged. After a crash or a restart it
 *       resumes there and publishes some changes again, which is harmless: an invalidation is idempotent. On its very
 *       first run it starts at the database's latest change.</li>
 * </ul>
 *
 * <p>Prints {@code CHANGE FEED READY position=<change_seq> ...} on stdout once it polls; logs every publication;
 * stops on SIGTERM, flushing (bounded) what is not yet published.
 */
public final class ChangeFeed implements AutoCloseable {

    /** What the ready line starts with. */
    public static final String READY = "CHANGE FEED READY";

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /** Up to this many publications per poll are logged one by one; more are summed up in one line. */
    private static final int LOG_EACH_UP_TO = 10;
    private static final long WAITING_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final FeedConfig config;
    private final InvalidationPublisher publisher;
    private final PositionFile positionFile;
    private final ChangePosition position;
    private final ScheduledExecutorService poller;
    private Connection connection;
    private long persisted;
    /** Operations handed to the publisher; everything is acknowledged when its operationsSent() reaches this. */
    private long issued;
    private long lastWaitingLog;

    private ChangeFeed(FeedConfig config, InvalidationPublisher publisher, PositionFile positionFile, long start) {
        this.config = config;
        this.publisher = publisher;
        this.positionFile = positionFile;
        this.position = new ChangePosition(start, config.gapTimeout());
        this.persisted = start;
        this.poller = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "change-feed-poller"));
    }

    /** Runs the feed until the JVM is stopped. Exits with 2 on a bad option, 1 if it cannot start. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(FeedConfig.USAGE);
            return;
        }
        FeedConfig config;
        try {
            config = FeedConfig.from(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(FeedConfig.USAGE);
            System.exit(2);
            return;
        }
        ChangeFeed feed;
        try {
            feed = start(config);
        } catch (Exception e) {
            LOG.error("cannot start the change feed: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(feed::close, "change-feed-shutdown"));
        System.out.println(READY + " position=" + feed.persisted + " db=" + config.databaseUrl() + " redis="
                + config.redisUri() + " channel=" + config.redisChannel());
        System.out.flush();
    }

    /**
     * Reads the position (or takes the database's latest change on a first run), connects the publisher and starts
     * polling.
     *
     * @throws SQLException if the database cannot be reached
     * @throws IOException  if the position file cannot be read or written
     */
    static ChangeFeed start(FeedConfig config) throws SQLException, IOException {
        PositionFile file = new PositionFile(config.positionFile());
        Connection connection = DriverManager.getConnection(config.databaseUrl(), CatalogDatabase.USER,
                CatalogDatabase.PASSWORD);
        long start;
        try {
            OptionalLong stored = file.load();
            long latest = latestChange(connection);
            if (stored.isPresent() && stored.getAsLong() > latest) {
                // A position past the database's latest change belongs to another database (this one was
                // recreated): waiting for change_seq to catch up with it would publish nothing for a long time.
                start = latest;
                file.store(start);
                LOG.warn("the position in {} (change_seq {}) is past the database's latest change ({}): the database "
                        + "was recreated; starting after its latest change", file.path(), stored.getAsLong(), latest);
            } else if (stored.isPresent()) {
                start = stored.getAsLong();
                LOG.info("resuming after change_seq {} (from {})", start, file.path());
            } else {
                start = latest;
                file.store(start);
                LOG.info("first run: starting after the latest change, change_seq {} (kept in {})", start,
                        file.path());
            }
        } catch (SQLException | IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        InvalidationPublisher publisher;
        try {
            RedisCacheInvalidatorOptions options = RedisCacheInvalidatorOptions.builder()
                    .channel(config.redisChannel())
                    .publishMode(PublishMode.FIRE_AND_FORGET)
                    // The feed must come up, and keep its place, whether or not Redis is up yet.
                    .requireConnectionAtStart(false)
                    .instanceIdPrefix("change-feed")
                    .build();
            // Instances with a Redis level (--backend=l2) would read the old value back from it: invalidate it too.
            publisher = config.l2KeyPrefix().isEmpty() ? RedisCacheInvalidator.publisher(config.redisUri(), options)
                    : RedisCachingBackend.publisher(config.redisUri(), RedisCachingBackendOptions.builder()
                            .keyPrefix(config.l2KeyPrefix())
                            .localCacheSync(options)
                            .requireConnectionAtStart(false)
                            .build());
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        ChangeFeed feed = new ChangeFeed(config, publisher, file, start);
        feed.connection = connection;
        feed.poller.scheduleWithFixedDelay(feed::pollSafely, 0, config.pollInterval().toNanos(),
                TimeUnit.NANOSECONDS);
        LOG.info("polling {} every {} ms, publishing on channel '{}' of {}", config.databaseUrl(),
                config.pollInterval().toMillis(), config.redisChannel(), config.redisUri());
        return feed;
    }

    private static long latestChange(Connection connection) throws SQLException {
        try (PreparedStatement max = connection.prepareStatement("SELECT COALESCE(MAX(change_seq), 0) FROM product");
             ResultSet rs = max.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One poll; an error is logged and the next poll tries again (a scheduled task that throws is cancelled). */
    private void pollSafely() {
        try {
            poll();
        } catch (SQLException e) {
            LOG.warn("cannot read changes from {} ({}); retrying", config.databaseUrl(), e.getMessage());
            closeConnection();
        } catch (IOException e) {
            LOG.error("cannot store the position in {}: {}", positionFile.path(), e.toString());
        } catch (RuntimeException e) {
            LOG.error("poll failed", e);
        }
    }

    private void poll() throws SQLException, IOException {
        if (!publisherCaughtUp()) {
            return;
        }
        if (position.watermark() != persisted) {
            positionFile.store(position.watermark());
            persisted = position.watermark();
        }
        Connection db = connection();
        long now = System.nanoTime();
        List<long[]> published = new ArrayList<>();
        if (position.hasGap()) {
            // Rows committed late into a gap below the newest change seen.
            publishChanges(db, "SELECT id, change_seq FROM product WHERE change_seq > ? AND change_seq < ? "
                    + "ORDER BY change_seq", position.watermark(), position.highestPublished(), now, published);
        }
        publishChanges(db, "SELECT id, change_seq FROM product WHERE change_seq > ? ORDER BY change_seq LIMIT "
                + config.batchSize(), position.highestPublished(), Long.MAX_VALUE, now, published);
        logPublished(published);
        for (ChangePosition.Gap gap : position.advance(now)) {
            LOG.debug("change_seq {} never appeared within {} ms (rolled back, or overwritten by a later update)",
                    gap, config.gapTimeout().toMillis());
        }
    }

    private void publishChanges(Connection db, String sql, long above, long below, long now, List<long[]> published)
            throws SQLException {
        try (PreparedStatement select = db.prepareStatement(sql)) {
            select.setLong(1, above);
            if (below != Long.MAX_VALUE) {
                select.setLong(2, below);
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long sequence = rs.getLong(2);
                    if (position.record(sequence, now)) {
                        publisher.invalidateDependency("product:" + id);
                        issued++;
                        published.add(new long[] {id, sequence});
                    }
                }
            }
        }
    }

    private boolean publisherCaughtUp() {
        long acknowledged = publisher.status().operationsSent();
        if (acknowledged >= issued) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastWaitingLog > WAITING_LOG_INTERVAL_NANOS) {
            lastWaitingLog = now;
            LOG.warn("waiting for Redis to acknowledge {} invalidations before reading more changes",
                    issued - acknowledged);
        }
        return false;
    }

    private static void logPublished(List<long[]> published) {
        if (published.size() <= LOG_EACH_UP_TO) {
            for (long[] change : published) {
                LOG.info("published invalidateDependency(\"product:{}\") for change_seq {}", change[0], change[1]);
            }
        } else {
            long[] first = published.get(0);
            long[] last = published.get(published.size() - 1);
            LOG.info("published {} invalidations, product:{} (change_seq {}) ... product:{} (change_seq {})",
                    published.size(), first[0], first[1], last[0], last[1]);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(config.databaseUrl(), CatalogDatabase.USER,
                    CatalogDatabase.PASSWORD);
            LOG.info("connected to {}", config.databaseUrl());
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // It is being replaced because it failed; its close failing too changes nothing.
            }
            connection = null;
        }
    }

    /**
     * Stops polling, flushes the publisher (bounded by its publish timeout) and, if everything published was
     * acknowledged, stores the final position.
     */
    @Override
    public void close() {
        poller.shutdown();
        try {
            if (!poller.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a poll is still running after 10 s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        // The poller has stopped: its fields are ours now.
        if (publisher.status().operationsSent() >= issued && position.watermark() != persisted) {
            try {
                positionFile.store(position.watermark());
                persisted = position.watermark();
            } catch (IOException e) {
                LOG.error("cannot store the final position in {}: {}", positionFile.path(), e.toString());
            }
        }
        closeConnection();
        LOG.info("stopped at change_seq {}", persisted);
    }
}
