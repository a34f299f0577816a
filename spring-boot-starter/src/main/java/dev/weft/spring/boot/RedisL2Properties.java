package dev.weft.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code weft.redis.l2.*}: a shared second level in Redis under the memory backend, with
 * {@code weft.invalidator.type=redis} (the memory backends of all instances are then kept in sync by the Redis level's
 * own invalidator, configured by the other {@code weft.redis.*} properties). Needs {@code dev.weft:weft-backend-redis}.
 */
public class RedisL2Properties {

    /** Whether Redis holds a level every instance shares (new instances start warm). */
    private boolean enabled;

    /** Prefix of every Redis key of the shared level. */
    private String keyPrefix = "weft:";

    /**
     * Packages whose classes cached values may be (with their subpackages), besides the JDK's value classes: the
     * default serializer refuses any other class.
     */
    private List<String> allowedPackages = new ArrayList<>();

    /** Whether concurrent misses of one key on several instances run the method once. */
    private boolean distributedSingleFlight;

    /** How long a call waits for Redis before it goes on without it. */
    private Duration commandTimeout = Duration.ofMillis(500);

    /** How often an unreachable Redis is tried again. */
    private Duration retryInterval = Duration.ofSeconds(1);

    /** A load that runs longer is not stored in Redis. */
    private Duration maximumLoadDuration = Duration.ofMinutes(5);

    /** How long after an invalidation results built on locally cached values stay out of Redis. */
    private Duration propagationGrace = Duration.ofSeconds(2);

    /** How many cluster slots the keys spread over (0: 1 on standalone Redis, 16 on a cluster). */
    private int shards;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public List<String> getAllowedPackages() {
        return allowedPackages;
    }

    public void setAllowedPackages(List<String> allowedPackages) {
        this.allowedPackages = allowedPackages;
    }

    public boolean isDistributedSingleFlight() {
        return distributedSingleFlight;
    }

    public void setDistributedSingleFlight(boolean distributedSingleFlight) {
        this.distributedSingleFlight = distributedSingleFlight;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval;
    }

    public Duration getMaximumLoadDuration() {
        return maximumLoadDuration;
    }

    public void setMaximumLoadDuration(Duration maximumLoadDuration) {
        this.maximumLoadDuration = maximumLoadDuration;
    }

    public Duration getPropagationGrace() {
        return propagationGrace;
    }

    public void setPropagationGrace(Duration propagationGrace) {
        this.propagationGrace = propagationGrace;
    }

    public int getShards() {
        return shards;
    }

    public void setShards(int shards) {
        this.shards = shards;
    }
}
