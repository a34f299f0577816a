package dev.weft.testing.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * A TCP proxy on 127.0.0.1 in front of one server, for fault tests: point one client at {@link #port()} and its path
 * to the server, and only its path, can be partitioned, reset or refused, while other clients reach the server
 * directly.
 *
 * <ul>
 *   <li>{@link #pause()} / {@link #resume()}: a silent partition. Connections stay open and nothing flows either
 *       way; what is sent meanwhile waits (in this proxy and the kernel's buffers), as a real partition lets TCP
 *       retransmit later. Neither side is told. New connections are accepted but wait too.</li>
 *   <li>{@link #cut()} / {@link #restore()}: every connection is reset and new ones are refused (reset at once): the
 *       client knows at once that the server is unreachable.</li>
 *   <li>{@link #killConnections()}: resets every current connection; new ones go through (a dropped connection).</li>
 *   <li>{@link #holdNewConnections(boolean)}: new connections are accepted but not connected to the server until
 *       released (a slow connect, to stage races with it).</li>
 *   <li>For Redis ({@link #forRedis(int)}), what the server sends is read frame by frame (RESP2 and RESP3), so that
 *       {@link #dropPubSubMessages(BiPredicate)} can drop chosen pub/sub messages on their way to this client: a
 *       message lost for one subscriber only.</li>
 * </ul>
 *
 * <p>Blocking I/O, two daemon threads per connection. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final boolean resp;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean paused;
    private boolean holding;
    private volatile boolean refusing;
    private volatile boolean closed;
    private volatile BiPredicate<byte[], byte[]> dropFilter = (channel, payload) -> false;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();

    private TcpProxy(int targetPort, boolean resp) {
        this.targetPort = targetPort;
        this.resp = resp;
        try {
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(FreePorts.loopback(), FreePorts.findFreePort()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the proxy", e);
        }
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code 127.0.0.1:targetPort} that forwards bytes as they are. */
    public static TcpProxy start(int targetPort) {
        return new TcpProxy(targetPort, false);
    }

    /** A proxy to a Redis server on {@code 127.0.0.1:targetPort} that can drop pub/sub messages. */
    public static TcpProxy forRedis(int targetPort) {
        return new TcpProxy(targetPort, true);
    }

    /** The port clients connect to, on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    /** A silent partition: nothing flows either way until {@link #resume()}. */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    /** Ends a {@link #pause()}: what waited flows on. */
    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /** Resets every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        refusing = true;
        killConnections();
    }

    /** Accepts connections again after {@link #cut()}. */
    public void restore() {
        refusing = false;
    }

    /** Resets every current connection (both sides see a reset); returns how many there were. */
    public int killConnections() {
        List<Link> all = new ArrayList<>(links);
        all.forEach(Link::reset);
        return all.size();
    }

    /** While true, new connections are accepted but not connected to the server. */
    public void holdNewConnections(boolean hold) {
        synchronized (gate) {
            holding = hold;
            gate.notifyAll();
        }
    }

    /** Connections accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections open now (accepted, not yet closed by either side). */
    public int openConnections() {
        return links.size();
    }

    /**
     * Drops, on their way from the server to this proxy's clients, the pub/sub messages for which {@code drop}
     * (channel, payload) says true. Only for a proxy made by {@link #forRedis(int)}.
     */
    public void dropPubSubMessages(BiPredicate<byte[], byte[]> drop) {
        if (!resp) {
            throw new IllegalStateException("only a proxy made by forRedis(port) reads pub/sub messages");
        }
        this.dropFilter = drop;
    }

    /** Pub/sub messages dropped so far. */
    public long droppedMessages() {
        return dropped.get();
    }

    private void awaitFlow(boolean connecting) throws InterruptedException {
        synchronized (gate) {
            while (!closed && (paused || (connecting && holding))) {
                gate.wait();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (refusing) {
                resetQuietly(client);
                continue;
            }
            Thread connector = new Thread(() -> open(client), "tcp-proxy-open-" + client.getPort());
            connector.setDaemon(true);
            connector.start();
        }
    }

    private void open(Socket client) {
        try {
            awaitFlow(true);
            if (closed || refusing) {
                resetQuietly(client);
                return;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(FreePorts.loopback(), targetPort), 10_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        } catch (IOException e) {
            resetQuietly(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resetQuietly(client);
        }
    }

    private static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** One proxied connection: a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            Thread up = new Thread(() -> pumpBytes(client, upstream), "tcp-proxy-up-" + client.getPort());
            Thread down = new Thread(resp ? () -> pumpResp(upstream, client) : () -> pumpBytes(upstream, client),
                    "tcp-proxy-down-" + client.getPort());
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void pumpBytes(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitFlow(false);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // either side went away, or the proxy closed
            } finally {
                end();
            }
        }

        private void pumpResp(Socket from, Socket to) {
            try (InputStream in = new BufferedInputStream(from.getInputStream(), 64 * 1024)) {
                OutputStream out = to.getOutputStream();
                while (true) {
                    RespFrame frame = RespFrame.read(in);
                    if (frame == null) {
                        return;
                    }
                    awaitFlow(false);
                    byte[][] message = frame.pubSubMessage();
                    if (message != null && dropFilter.test(message[0], message[1])) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    out.write(frame.raw());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // either side went away, or the proxy closed
            } finally {
                end();
            }
        }

        void reset() {
            resetQuietly(client);
            resetQuietly(upstream);
            links.remove(this);
        }

        private void end() {
            try {
                client.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            links.remove(this);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        killConnections();
    }

    @Override
    public String toString() {
        return "TcpProxy{127.0.0.1:" + port() + " -> 127.0.0.1:" + targetPort + ", " + links.size() + " open}";
    }
}
