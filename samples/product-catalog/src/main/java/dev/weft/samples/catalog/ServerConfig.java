package dev.weft.samples.catalog;

import java.util.Locale;
import java.util.Optional;
import java.util.List;

/**
 * The configuration of one API instance ({@link CatalogServer}). Immutable.
 *
 * @param port         the HTTP port; 0 picks a free one (the ready line tells which)
 * @param bindAddress  the address the HTTP server listens on
 * @param databaseUrl  the JDBC URL of the shared database
 * @param backend      which caching backend this instance uses
 * @param redisUri     the Redis URI, for {@link Backend#REDIS}
 * @param redisChannel the pub/sub channel every instance of the catalog shares, for {@link Backend#REDIS}
 * @param instanceName this instance's name in responses and in its invalidator id, if set
 * @param azureConnectionString the Service Bus connection string, for {@link Backend#AZURE}
 * @param azureTopic   the topic every instance shares, for {@link Backend#AZURE}
 * @param azureSubscription {@code auto}, or {@code existing:NAME} (this instance's pre-provisioned subscription)
 */
record ServerConfig(int port, String bindAddress, String databaseUrl, Backend backend, String redisUri,
                    String redisChannel, Optional<String> instanceName, String azureConnectionString,
                    String azureTopic, String azureSubscription) {

    /** The caching backend of an instance. */
    enum Backend {
        /** A local Caffeine cache only: instances do not hear of each other's changes. */
        MEMORY,
        /** A local cache kept in sync with the other instances' over Redis pub/sub. */
        REDIS,
        /** A local cache kept in sync with the other instances' over an Azure Service Bus topic. */
        AZURE,
        /**
         * A local cache over a level in Redis that every instance shares (weft-backend-redis), the local caches kept in
         * sync over Redis pub/sub: an instance started late answers from Redis.
         */
        L2
    }

    static final String DEFAULT_DATABASE_URL = "jdbc:h2:mem:catalog;DB_CLOSE_DELAY=-1";
    static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";
    static final String DEFAULT_REDIS_CHANNEL = "catalog:weft-invalidation";
    static final String DEFAULT_AZURE_TOPIC = "catalog-invalidation";

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: CatalogServer [--name=value ...]   (or -Dcatalog.<name>=value)",
            "  --port=8080            HTTP port; 0 = a free port (printed on the ready line)",
            "  --bind-address=127.0.0.1",
            "  --db-url=" + DEFAULT_DATABASE_URL,
            "                         JDBC URL; several processes share jdbc:h2:tcp://127.0.0.1:PORT/catalog",
            "  --backend=memory       memory | redis | azure | l2",
            "  --redis-uri=" + DEFAULT_REDIS_URI,
            "  --redis-channel=" + DEFAULT_REDIS_CHANNEL,
            "  --instance=api-PORT    name shown in responses (letters, digits, dashes; at most 20)",
            "  --azure-connection-string=Endpoint=sb://...   for --backend=azure",
            "  --azure-topic=" + DEFAULT_AZURE_TOPIC,
            "  --azure-subscription=auto   auto (created per instance, Manage right) | existing:NAME");

    private static final List<String> OPTIONS = List.of("port", "bind-address", "db-url", "backend", "redis-uri",
            "redis-channel", "instance", "azure-connection-string", "azure-topic", "azure-subscription");

    /**
     * Reads the configuration from the command line and system properties.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    static ServerConfig from(String[] args) {
        Settings settings = Settings.parse(args, OPTIONS);
        String backendName = settings.get("backend", "memory");
        Backend backend;
        try {
            backend = Backend.valueOf(backendName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option --backend must be memory, redis, azure or l2, got \""
                    + backendName + "\"", e);
        }
        Optional<String> instance = Optional.ofNullable(settings.get("instance", null));
        instance.ifPresent(ServerConfig::checkInstanceName);
        String azureConnectionString = backend == Backend.AZURE ? settings.require("azure-connection-string")
                : settings.get("azure-connection-string", null);
        String azureSubscription = settings.get("azure-subscription", "auto");
        if (!azureSubscription.equals("auto") && !azureSubscription.matches("existing:.+")) {
            throw new IllegalArgumentException("option --azure-subscription must be auto or existing:NAME, got \""
                    + azureSubscription + "\"");
        }
        return new ServerConfig(settings.getInt("port", 8080, 0, 65_535),
                settings.get("bind-address", "127.0.0.1"),
                settings.get("db-url", DEFAULT_DATABASE_URL),
                backend,
                settings.get("redis-uri", DEFAULT_REDIS_URI),
                settings.get("redis-channel", DEFAULT_REDIS_CHANNEL),
                instance,
                azureConnectionString,
                settings.get("azure-topic", DEFAULT_AZURE_TOPIC),
                azureSubscription);
    }

    /** The name can double as the invalidator's instance-id prefix, which allows only these characters. */
    private static void checkInstanceName(String name) {
        if (!name.matches("[A-Za-z0-9-]{1,20}")) {
            throw new IllegalArgumentException("option --instance must be 1 to 20 letters, digits or dashes, got \""
                    + name + "\"");
        }
    }
}
