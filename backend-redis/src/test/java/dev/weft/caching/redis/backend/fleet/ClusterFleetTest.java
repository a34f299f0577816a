package dev.weft.caching.redis.backend.fleet;

import dev.weft.testing.redis.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fleet on a Redis Cluster of three masters: entries spread over 16 shards, each a slot, and a dependency
 * invalidation runs in every shard.
 */
class ClusterFleetTest extends FleetTest {

    static RedisClusterProcess cluster;

    @BeforeAll
    static void start() throws InterruptedException {
        cluster = RedisClusterProcess.start(3);
        startFleet(FleetBackends.CLUSTER + String.join(",", cluster.uris()));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
