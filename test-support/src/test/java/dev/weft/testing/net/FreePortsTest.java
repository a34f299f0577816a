package dev.weft.testing.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void handsOutDistinctBindablePortsOutsideTheEphemeralRange() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Files.exists(range)
                ? Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]) : Integer.MAX_VALUE;
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.findFreePort();
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(FreePorts.loopback(), port));
            }
            if (ephemeralLow - 20_000 >= 1_000) {
                assertThat(port).isBetween(20_000, ephemeralLow - 1);
            }
        }
    }

    @Test
    void awaitFreeReturnsOnceTheListenerIsGoneAndTimesOutWhileItIsThere() throws IOException {
        int port = FreePorts.findFreePort();
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(FreePorts.loopback(), port));
            assertThat(FreePorts.isFree(port)).isFalse();
            assertThatThrownBy(() -> FreePorts.awaitFree(port, Duration.ofMillis(100)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
        FreePorts.awaitFree(port, Duration.ofSeconds(5));
        assertThat(FreePorts.isFree(port)).isTrue();
    }
}
