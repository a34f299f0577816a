package dev.weft.testing.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds TCP ports on 127.0.0.1 that a test server can listen on.
 *
 * <p>Ports are picked at random <em>below the kernel's ephemeral range</em> (read from
 * {@code /proc/sys/net/ipv4/ip_local_port_range} on Linux) rather than by binding port 0. A port from the
 * ephemeral range can be handed by the kernel to any outgoing connection as its local port; a test that kills a
 * server and restarts it on the same port would then find its port taken - in the worst case by a client that,
 * retrying a connection to that very port while the server is down, connected to itself (TCP simultaneous open).
 * Outside that range only explicit binds compete, and every candidate is bind-tested.
 *
 * <p>Within one JVM, a port is never handed out twice. Across JVMs a race between "found free" and "bound by the
 * server" remains possible; servers started from this module retry on another port when that happens.
 *
 * <p>Thread-safe. All methods concern IPv4 loopback only.
 */
public final class FreePorts {

    /** Below this, ports tend to belong to well-known local services (databases, brokers, dev servers). */
    private static final int LOWEST_CANDIDATE = 20_000;
    private static final int MIN_BAND_SIZE = 1_000;
    private static final int ATTEMPTS = 500;
    private static final InetAddress LOOPBACK = loopback();

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int[] BAND = candidateBand();

    private FreePorts() {
    }

    /** The IPv4 loopback address, {@code 127.0.0.1} (never {@code ::1}). */
    public static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Returns a port on 127.0.0.1 that is free right now and that this JVM has not handed out before.
     *
     * @throws IllegalStateException if no free port could be found (practically: the loopback is exhausted)
     */
    public static int findFreePort() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int candidate = BAND[0] + random.nextInt(BAND[1] - BAND[0] + 1);
            if (!HANDED_OUT.contains(candidate) && isFree(candidate) && HANDED_OUT.add(candidate)) {
                return candidate;
            }
        }
        // The band is crowded (or tiny): fall back to what the kernel picks, which is at least free.
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot bind any port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no free port found on 127.0.0.1 after " + (2 * ATTEMPTS) + " attempts");
    }

    /**
     * Whether a server could listen on {@code 127.0.0.1:port} now. The probe binds with {@code SO_REUSEADDR}, as
     * redis-server and most servers do, so connections lingering in TIME_WAIT do not count as "in use"; a listener
     * or a live connection bound to the port does.
     */
    public static boolean isFree(int port) {
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    /**
     * Blocks until {@link #isFree(int) port is free}, polling with a short back-off.
     *
     * @throws IllegalStateException if it is still in use after {@code timeout}
     */
    public static void awaitFree(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 5;
        while (!isFree(port)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("port 127.0.0.1:" + port + " is still in use after " + timeout
                        + " (another process listens on it or holds a connection bound to it)");
            }
            // A poll, not a synchronisation sleep: the kernel offers no notification for "port released".
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }

    /** [low, high] inclusive: the ports below the ephemeral range, or above it, or (failing both) the whole range. */
    private static int[] candidateBand() {
        int[] ephemeral = ephemeralRange();
        if (ephemeral[0] - 1 - LOWEST_CANDIDATE >= MIN_BAND_SIZE) {
            return new int[] {LOWEST_CANDIDATE, ephemeral[0] - 1};
        }
        if (65_535 - (ephemeral[1] + 1) >= MIN_BAND_SIZE) {
            return new int[] {ephemeral[1] + 1, 65_535};
        }
        return new int[] {LOWEST_CANDIDATE, 65_535};
    }

    private static int[] ephemeralRange() {
        Path linux = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            String[] parts = Files.readString(linux).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException notLinux) {
            // IANA's suggested dynamic range, also the default on macOS and Windows.
            return new int[] {49_152, 65_535};
        }
    }
}
