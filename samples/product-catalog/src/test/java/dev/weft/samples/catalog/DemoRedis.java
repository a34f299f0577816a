package dev.weft.samples.catalog;

import dev.weft.testing.redis.RedisServerProcess;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a real {@code redis-server} for {@code demo.sh}: the binary bundled in a Maven artifact, found and started by
 * the test support's {@link RedisServerProcess}, so the demo needs no Redis installed. Loopback only, no persistence.
 *
 * <p>Argument: the port (default 0, a free one). Prints {@code REDIS READY uri=<uri> pid=<redis pid>
 * version=<version>} once Redis answers, then runs until it is stopped. However this JVM ends, SIGTERM or SIGKILL,
 * the test support kills the redis-server it started.
 */
public final class DemoRedis {

    private DemoRedis() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        RedisServerProcess.Builder builder = RedisServerProcess.builder();
        if (port != 0) {
            builder.port(port);
        }
        RedisServerProcess redis = builder.start();
        System.out.println("REDIS READY uri=" + redis.uri() + " pid=" + redis.pid() + " version="
                + redis.binary().version());
        System.out.flush();
        new CountDownLatch(1).await(); // until the JVM is stopped
    }
}
