package dev.weft.benchmarks.invalidation;

import dev.weft.testing.redis.RedisBinary;

/**
 * Prints the version and origin of the redis-server the invalidation benchmarks run, for run.sh's record of the
 * machine: {@code RedisVersion} → e.g. {@code 7.2.4 (BUNDLED)}.
 */
public final class RedisVersion {

    private RedisVersion() {
    }

    public static void main(String[] args) {
        RedisBinary binary = RedisBinary.resolve();
        System.out.println(binary.version() + " (" + binary.source() + ")");
    }
}
