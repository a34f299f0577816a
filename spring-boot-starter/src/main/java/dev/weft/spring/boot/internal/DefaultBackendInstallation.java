package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.spring.boot.InvalidatorType;
import dev.weft.spring.boot.WeftProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Makes the application's backend Weft's default when the context creates this bean: registers the configured
 * profiles, then calls {@link CachingServices#setDefaultBackend} with the invalidator, or the memory backend when
 * there is none. The backends themselves are beans, closed by the context at shutdown, after this one, which first
 * takes its backend back out of {@code CachingServices}.
 *
 * <p>{@code CachingServices} is global to the JVM: the last context started sets the backend. Cached methods called
 * before this bean exists (by a bean built earlier) use Weft's own default backend, which is closed when replaced.
 */
public final class DefaultBackendInstallation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching");

    private final MemoryCachingBackend memory;
    private final CacheInvalidator invalidator;
    private final CachingBackend shared;
    private final OnMessageLoss onMessageLoss;

    /**
     * Installs the backend.
     *
     * @param invalidator the invalidator {@code weft.invalidator.type} asks for, or {@code null} when it is none
     * @throws dev.weft.spring.boot.InvalidWeftPropertyException when a profile property is wrong, or the type asks
     *                                                           for a transport whose module is not on the class path
     */
    public DefaultBackendInstallation(WeftProperties properties, MemoryCachingBackend memory,
                                      CacheInvalidator invalidator) {
        this(properties, memory, invalidator, null);
    }

    /**
     * Installs {@code shared}, a backend with a Redis level over the memory backend ({@code weft.redis.l2.enabled}),
     * when it is not {@code null}; {@code invalidator} is then its local level's sync.
     */
    public DefaultBackendInstallation(WeftProperties properties, MemoryCachingBackend memory,
                                      CacheInvalidator invalidator, CachingBackend shared) {
        InvalidatorType type = properties.getInvalidator().getType();
        if (type != InvalidatorType.NONE && invalidator == null) {
            String module = type == InvalidatorType.REDIS ? "weft-invalidator-redis" : "weft-invalidator-azure";
            throw PropertyCheck.conflict("weft.invalidator.type", type.name().toLowerCase(Locale.ROOT),
                    "it needs dev.weft:" + module + " on the class path",
                    "Add the dependency dev.weft:" + module + ", or set 'weft.invalidator.type=none'.");
        }
        List<CachingProfile> profiles = ProfileProperties.profiles(properties.getProfiles());
        this.memory = memory;
        this.invalidator = invalidator;
        this.shared = shared;
        this.onMessageLoss = type == InvalidatorType.AZURE ? properties.getAzure().getOnMessageLoss()
                : properties.getRedis().getOnMessageLoss();
        profiles.forEach(CachingServices::setProfile);
        CachingServices.setDefaultBackend(backend());
        LOG.info("Weft caches with {}{}", backend(), profiles.isEmpty() ? ""
                : "; profiles " + profiles.stream().map(CachingProfile::name).toList());
    }

    /** What {@code CachingServices} now uses: the Redis backend, the invalidator, or the memory backend. */
    public CachingBackend backend() {
        return shared != null ? shared : invalidator != null ? invalidator : memory;
    }

    /** The memory backend (wrapped by the invalidator when there is one). */
    public MemoryCachingBackend memory() {
        return memory;
    }

    /** What the invalidator does when it detects lost messages. */
    public OnMessageLoss onMessageLoss() {
        return onMessageLoss;
    }

    /** The invalidator, or {@code null} with {@code weft.invalidator.type=none}. */
    public CacheInvalidator invalidator() {
        return invalidator;
    }

    /**
     * At shutdown, before the context closes the backends: stops {@code CachingServices} from using this context's
     * backend, so that cached calls made later (by another context in the JVM, a test) do not reach a closed one.
     */
    @Override
    public void close() {
        CachingServices.resetDefaultBackend(backend());
    }
}
