package dev.weft.testing.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RedisClusterProcessTest {

    @Test
    void threeMastersServeEverySlotAndANodeRejoinsAfterARestart() {
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            assertThat(cluster.nodes()).hasSize(3);
            List<RedisURI> seeds = cluster.uris().stream().map(RedisURI::create).collect(Collectors.toList());
            RedisClusterClient client = RedisClusterClient.create(seeds);
            try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
                Set<Integer> ports = new HashSet<>();
                for (int i = 0; i < 30; i++) {
                    String key = "key-" + i;
                    connection.sync().set(key, "v" + i);
                    assertThat(connection.sync().get(key)).isEqualTo("v" + i);
                    ports.add(connection.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getUri().getPort());
                }
                assertThat(ports).as("keys spread over every node").hasSize(3);
            } finally {
                client.shutdown();
            }

            RedisServerProcess node = cluster.nodes().get(1);
            node.kill();
            node.restart();
            cluster.awaitHealthy(Duration.ofSeconds(30));
        }
    }
}
