package dev.weft.caching.redis.backend.fleet;

import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fleet on one redis-server. */
class StandaloneFleetTest extends FleetTest {

    static RedisServerProcess redis;

    @BeforeAll
    static void start() throws InterruptedException {
        redis = RedisServerProcess.start();
        startFleet(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
