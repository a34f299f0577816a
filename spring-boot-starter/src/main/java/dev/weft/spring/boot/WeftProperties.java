package dev.weft.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code weft.*} properties: whether caching is on, the memory backend, the profiles, and which invalidator keeps
 * the instances in sync ({@code weft.redis.*} and {@code weft.azure.*} configure the transports). Bound once at
 * start-up; every value is checked then, and a wrong one fails the start with the property named. Unknown keys under
 * {@code weft.} fail too: a misspelt option would otherwise be silently ignored.
 */
@ConfigurationProperties(prefix = "weft", ignoreUnknownFields = false)
public class WeftProperties {

    /**
     * Whether Weft caches. False turns caching off for the whole JVM (every @Cached method runs its body) and
     * configures no backend and no invalidator.
     */
    private boolean enabled = true;

    /**
     * What happens at start-up when a bean's @Cached or @InvalidateCache annotations would do nothing (its class was
     * not woven with Weft's aspects, or the annotation is on an interface method): fail, warn or off.
     */
    private WeavingCheck weavingCheck = WeavingCheck.FAIL;

    private final Memory memory = new Memory();

    /** Caching profiles by name, registered with CachingServices.setProfile at start-up. */
    private final Map<String, Profile> profiles = new LinkedHashMap<>();

    private final Invalidator invalidator = new Invalidator();

    @NestedConfigurationProperty
    private final RedisInvalidatorProperties redis = new RedisInvalidatorProperties();

    @NestedConfigurationProperty
    private final AzureInvalidatorProperties azure = new AzureInvalidatorProperties();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public WeavingCheck getWeavingCheck() {
        return weavingCheck;
    }

    public void setWeavingCheck(WeavingCheck weavingCheck) {
        this.weavingCheck = weavingCheck;
    }

    public Memory getMemory() {
        return memory;
    }

    public Map<String, Profile> getProfiles() {
        return profiles;
    }

    public Invalidator getInvalidator() {
        return invalidator;
    }

    /** {@code weft.redis.*}, read when {@code weft.invalidator.type=redis}. */
    public RedisInvalidatorProperties getRedis() {
        return redis;
    }

    /** {@code weft.azure.*}, read when {@code weft.invalidator.type=azure}. */
    public AzureInvalidatorProperties getAzure() {
        return azure;
    }

    /** {@code weft.memory.*}: the in-process cache every instance keeps. */
    public static class Memory {

        /** The most entries the memory backend keeps; Caffeine evicts the least useful beyond it. */
        private long maximumSize = 100_000;

        /** Whether Caffeine records its statistics (needed for the cache.evictions meter; costs a little per access). */
        private boolean recordStatistics;

        public long getMaximumSize() {
            return maximumSize;
        }

        public void setMaximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
        }

        public boolean isRecordStatistics() {
            return recordStatistics;
        }

        public void setRecordStatistics(boolean recordStatistics) {
            this.recordStatistics = recordStatistics;
        }
    }

    /** {@code weft.profiles.<name>.*}: the settings of the @Cached methods that name the profile. */
    public static class Profile {

        /** How long after it was stored an entry expires; 0 for never. */
        private Duration absoluteExpiration = Duration.ZERO;

        /** How long an entry may go unread before it expires; 0 for never. */
        private Duration slidingExpiration = Duration.ZERO;

        /** Whether the profile's methods use the cache at all. */
        private boolean enabled = true;

        /** Whether expired or invalidated entries are reloaded in the background. */
        private boolean autoReload;

        /** How long a caller waits for another thread's load of the same key before running the method itself. */
        private Duration loadWaitTimeout = Duration.ofSeconds(30);

        public Duration getAbsoluteExpiration() {
            return absoluteExpiration;
        }

        public void setAbsoluteExpiration(Duration absoluteExpiration) {
            this.absoluteExpiration = absoluteExpiration;
        }

        public Duration getSlidingExpiration() {
            return slidingExpiration;
        }

        public void setSlidingExpiration(Duration slidingExpiration) {
            this.slidingExpiration = slidingExpiration;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isAutoReload() {
            return autoReload;
        }

        public void setAutoReload(boolean autoReload) {
            this.autoReload = autoReload;
        }

        public Duration getLoadWaitTimeout() {
            return loadWaitTimeout;
        }

        public void setLoadWaitTimeout(Duration loadWaitTimeout) {
            this.loadWaitTimeout = loadWaitTimeout;
        }
    }

    /** {@code weft.invalidator.*}: how the instances of the application keep their caches in sync. */
    public static class Invalidator {

        /** The transport of invalidations between instances: none (one instance), redis or azure. */
        private InvalidatorType type = InvalidatorType.NONE;

        public InvalidatorType getType() {
            return type;
        }

        public void setType(InvalidatorType type) {
            this.type = type;
        }
    }
}
