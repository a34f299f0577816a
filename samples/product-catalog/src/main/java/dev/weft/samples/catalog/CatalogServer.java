package dev.weft.samples.catalog;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of the product API. Run several on different ports over one database, with
 * {@code --backend=redis}, and a change in one is seen by all. See the module's README for the options.
 *
 * <p>Once it serves, it prints one line to stdout that scripts and tests wait for:
 * {@code CATALOG READY instance=<name> port=<port> url=http://<address>:<port> backend=<backend>}. Logs go to
 * stderr. It stops on SIGTERM (Ctrl-C): the HTTP server first, then the invalidator, which flushes what it has not
 * published yet.
 */
public final class CatalogServer implements AutoCloseable {

    /** What the ready line starts with. */
    public static final String READY = "CATALOG READY";

    private static final Logger LOG = LoggerFactory.getLogger(CatalogServer.class);
    private static final int HTTP_THREADS = 8;
    private static final int STOP_SECONDS = 1;
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final HttpServer http;
    private final ExecutorService executor;
    private final CatalogDatabase database;
    private final CacheSetup cache;
    private final String instanceName;

    private CatalogServer(HttpServer http, ExecutorService executor, CatalogDatabase database, CacheSetup cache,
                          String instanceName) {
        this.http = http;
        this.executor = executor;
        this.database = database;
        this.cache = cache;
        this.instanceName = instanceName;
    }

    /** Runs an instance until the JVM is stopped. Exits with 2 on a bad option, 1 if it cannot start. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(ServerConfig.USAGE);
            return;
        }
        ServerConfig config;
        try {
            config = ServerConfig.from(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(ServerConfig.USAGE);
            System.exit(2);
            return;
        }
        CatalogServer server;
        try {
            server = start(config);
        } catch (Exception e) {
            LOG.error("cannot start the catalog: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "catalog-shutdown"));
        System.out.println(READY + " instance=" + server.instanceName + " port=" + server.port()
                + " url=http://" + config.bindAddress() + ":" + server.port() + " backend="
                + config.backend().name().toLowerCase(Locale.ROOT));
        System.out.flush();
    }

    /**
     * Binds the port, opens (and if needed seeds) the database, installs the cache backend and starts serving.
     *
     * @throws IOException  if the port cannot be bound
     * @throws SQLException if the database cannot be reached or prepared
     */
    static CatalogServer start(ServerConfig config) throws IOException, SQLException {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, a keep-alive client's
        // delayed ACK then holds every response for ~40 ms, which would hide the whole point of a cache hit.
        // Read once, when the server classes load.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
        // Bound first: with port 0 the instance's default name is only known once the port is.
        HttpServer http = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 0);
        String instanceName = config.instanceName().orElse("api-" + http.getAddress().getPort());
        CatalogDatabase database = null;
        CacheSetup cache = null;
        try {
            database = CatalogDatabase.open(config.databaseUrl());
            cache = CacheSetup.install(config, instanceName);
            new CatalogHttpApi(new ProductRepository(database), cache, instanceName).register(http);
        } catch (SQLException | RuntimeException e) {
            http.stop(0);
            if (cache != null) {
                cache.close();
            }
            if (database != null) {
                database.close();
            }
            throw e;
        }
        ExecutorService executor = Executors.newFixedThreadPool(HTTP_THREADS, new NamedThreads(instanceName));
        http.setExecutor(executor);
        http.start();
        LOG.info("[{}] serving on http://{}:{} with the {} cache backend, database {}", instanceName,
                config.bindAddress(), http.getAddress().getPort(), cache.description(), database.url());
        return new CatalogServer(http, executor, database, cache, instanceName);
    }

    /** The port it listens on. */
    int port() {
        return http.getAddress().getPort();
    }

    /** Stops serving (letting running requests finish for a second), then closes the cache and the database. */
    @Override
    public void close() {
        http.stop(STOP_SECONDS);
        executor.shutdown();
        try {
            executor.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cache.close();
        database.close();
        LOG.info("[{}] stopped", instanceName);
    }

    /** Names the HTTP threads after the instance, so thread dumps and logs of several instances read apart. */
    private static final class NamedThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger counter = new AtomicInteger();

        NamedThreads(String instanceName) {
            this.prefix = instanceName + "-http-";
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + counter.incrementAndGet());
            thread.setDaemon(false);
            return thread;
        }
    }
}
