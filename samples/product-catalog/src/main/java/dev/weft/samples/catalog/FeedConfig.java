package dev.weft.samples.catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The configuration of the change feed ({@link ChangeFeed}). Immutable.
 *
 * @param databaseUrl  the JDBC URL of the shared database (required: the feed is pointless on a private one)
 * @param redisUri     where to publish
 * @param redisChannel the channel the API instances listen on
 * @param pollInterval the pause between two polls of the database
 * @param batchSize    the most new changes read by one poll
 * @param gapTimeout   how long a missing change number may still commit (see {@link ChangePosition})
 * @param positionFile where the feed keeps its position between runs
 */
record FeedConfig(String databaseUrl, String redisUri, String redisChannel, Duration pollInterval, int batchSize,
                  Duration gapTimeout, Path positionFile, String l2KeyPrefix) {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: ChangeFeed --db-url=jdbc:h2:tcp://127.0.0.1:PORT/catalog [--name=value ...]",
            "                  (or -Dcatalog.<name>=value)",
            "  --db-url=...                      JDBC URL of the shared database (required)",
            "  --redis-uri=" + ServerConfig.DEFAULT_REDIS_URI,
            "  --redis-channel=" + ServerConfig.DEFAULT_REDIS_CHANNEL,
            "  --poll-interval=100ms             pause between two polls",
            "  --batch-size=1000                 most changes read per poll",
            "  --gap-timeout=10s                 how long a missing change_seq may still commit",
            "  --position-file=change-feed.position",
            "  --l2-key-prefix=                  the instances' Redis level (--backend=l2 uses catalog:): invalidate",
            "                                    it too; empty: the instances have none");

    private static final List<String> OPTIONS = List.of("db-url", "redis-uri", "redis-channel", "poll-interval",
            "batch-size", "gap-timeout", "position-file", "l2-key-prefix");

    /**
     * Reads the configuration from the command line and system properties.
     *
     * @throws IllegalArgumentException naming the bad or missing option
     */
    static FeedConfig from(String[] args) {
        Settings settings = Settings.parse(args, OPTIONS);
        return new FeedConfig(settings.require("db-url"),
                settings.get("redis-uri", ServerConfig.DEFAULT_REDIS_URI),
                settings.get("redis-channel", ServerConfig.DEFAULT_REDIS_CHANNEL),
                settings.getDuration("poll-interval", Duration.ofMillis(100)),
                settings.getInt("batch-size", 1000, 1, 100_000),
                settings.getDuration("gap-timeout", Duration.ofSeconds(10)),
                Path.of(settings.get("position-file", "change-feed.position")),
                settings.get("l2-key-prefix", ""));
    }
}
