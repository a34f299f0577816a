package dev.weft.samples.catalog;

import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The shared database of a multi-process catalog: an H2 TCP server on 127.0.0.1 serving one file database,
 * {@code catalog}, which it creates, and seeds with 10,000 products, before it accepts connections. API instances,
 * the change feed and any SQL client (H2's Shell) connect to {@code jdbc:h2:tcp://127.0.0.1:<port>/catalog} as user
 * {@code sa} with an empty password.
 *
 * <p>Why a server process and not H2's {@code AUTO_SERVER} mode: with {@code AUTO_SERVER} the first process that
 * opens the file serves it to the others, on every network interface, and when that process stops the others'
 * connections break until one of them takes over. A server of its own stays up while instances come and go, listens
 * on loopback only, and gives every client the same kind of URL as a production database would.
 *
 * <p>Prints {@code DATABASE READY url=<jdbc url> port=<port>} on stdout once it accepts connections; stops on
 * SIGTERM.
 */
public final class DatabaseServer {

    /** What the ready line starts with. */
    public static final String READY = "DATABASE READY";

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseServer.class);
    private static final String DATABASE_NAME = "catalog";
    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: DatabaseServer [--name=value ...]   (or -Dcatalog.<name>=value)",
            "  --port=9092            TCP port; 0 = a free port (printed on the ready line)",
            "  --db-dir=catalog-db    directory of the database files (created if missing)");

    private DatabaseServer() {
    }

    /** Serves the database until the JVM is stopped. Exits with 2 on a bad option, 1 if it cannot start. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        int port;
        Path directory;
        try {
            Settings settings = Settings.parse(args, List.of("port", "db-dir"));
            port = settings.getInt("port", 9092, 0, 65_535);
            directory = Path.of(settings.get("db-dir", "catalog-db")).toAbsolutePath();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        // H2 reads this once, when its first class loads: its server then binds 127.0.0.1 instead of every
        // interface. Nothing on this machine's network should reach an unauthenticated sample database.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        Server server;
        try {
            // Created and seeded in-process, so the server never needs -ifNotExists (which would let any client
            // create databases) and no instance ever sees a half-seeded catalog.
            CatalogDatabase.open("jdbc:h2:" + directory.resolve(DATABASE_NAME)).close();
            server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", directory.toString())
                    .start();
        } catch (SQLException e) {
            LOG.error("cannot start the database server: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "database-shutdown"));
        String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/" + DATABASE_NAME;
        LOG.info("serving {} from {}", url, directory);
        System.out.println(READY + " url=" + url + " port=" + server.getPort());
        System.out.flush();
    }
}
