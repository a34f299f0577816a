package dev.weft.benchmarks.variants;

import com.github.benmanes.caffeine.cache.Cache;
import dev.weft.benchmarks.ltw.LtwCatalogService;
import dev.weft.benchmarks.subjects.CatalogService;
import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.woven.JcabiCatalogService;
import dev.weft.benchmarks.subjects.woven.WeftCatalogService;
import dev.weft.benchmarks.subjects.woven.WeftDependsOnCatalogService;
import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.springframework.aop.support.AopUtils;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.util.List;
import java.util.function.Function;

/**
 * One benchmark variant, opened by its name: the {@link CatalogService} to call and whatever must be closed after.
 * Each JMH fork opens one variant in a fresh JVM, so process-wide state (Weft's default backend) is never shared.
 */
public final class Subject implements AutoCloseable {

    /** Every variant name, in the order tables show them. */
    public static final List<String> NAMES = List.of(
            "direct", "caffeineManual", "caffeineLoader", "weft", "weftDependsOn", "weftLtw", "spring", "springSync", "jcabi");

    private final String name;
    private final CatalogService service;
    private final AutoCloseable resources;

    Subject(String name, CatalogService service, AutoCloseable resources) {
        this.name = name;
        this.service = service;
        this.resources = resources;
    }

    /** Opens the variant {@code name} over {@code source}, its cache(s) of {@link CacheSpec#MAXIMUM_SIZE}. */
    public static Subject open(String name, CatalogSource source) {
        return open(name, source, CacheSpec.MAXIMUM_SIZE);
    }

    /**
     * Opens the variant {@code name} over {@code source}, each of its caches bounded to {@code maximumSize} entries
     * (jcabi's is unbounded).
     */
    public static Subject open(String name, CatalogSource source, int maximumSize) {
        switch (name) {
            case "direct":
                return new Subject(name, new DirectCatalogService(source), () -> { });
            case "caffeineManual":
                return new Subject(name, new CaffeineManualCatalogService(source, maximumSize), () -> { });
            case "caffeineLoader":
                return new Subject(name, new CaffeineLoaderCatalogService(source, maximumSize), () -> { });
            case "weft":
                useWeftBackend(maximumSize);
                return new Subject(name, new WeftCatalogService(source), CachingServices::clear);
            case "weftDependsOn":
                useWeftBackend(maximumSize);
                return new Subject(name, new WeftDependsOnCatalogService(source), CachingServices::clear);
            case "weftLtw":
                useWeftBackend(maximumSize);
                return new Subject(name, new LtwCatalogService(source), CachingServices::clear);
            case "spring":
                return spring(name, SpringCatalogService.class, SpringCatalogService::new, source, maximumSize);
            case "springSync":
                return spring(name, SpringSyncCatalogService.class, SpringSyncCatalogService::new, source,
                        maximumSize);
            case "jcabi":
                return new Subject(name, new JcabiCatalogService(source), () -> { });
            case "weftTwoLevel":
                // not in NAMES: measured by the Redis level's benchmark (dev.weft.benchmarks.l2), not in part 1's tables
                return TwoLevelSubject.open(name, source);
            case "weftSynced":
                // not in NAMES either: the memory backend behind the Redis invalidator, measured with weftTwoLevel
                return TwoLevelSubject.synced(name, source);
            default:
                throw new IllegalArgumentException("unknown variant '" + name + "'; one of " + NAMES);
        }
    }

    private static void useWeftBackend(int maximumSize) {
        CachingServices.setDefaultBackend(MemoryCachingBackend.builder().maximumSize(maximumSize).build());
    }

    private static <T extends CatalogService> Subject spring(String name, Class<T> type,
                                                             Function<CatalogSource, T> constructor,
                                                             CatalogSource source, int maximumSize) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(SpringCaching.class);
        context.registerBean("cacheManager", CacheManager.class, () -> SpringCaching.cacheManager(maximumSize));
        context.registerBean("catalog", type, () -> constructor.apply(source));
        context.refresh();
        CatalogService service = context.getBean("catalog", CatalogService.class);
        if (!AopUtils.isCglibProxy(service)) {
            context.close();
            throw new IllegalStateException(name + ": expected a CGLIB proxy, got " + service.getClass());
        }
        return new Subject(name, service, context);
    }

    /** The variant's name. */
    public String name() {
        return name;
    }

    /** Whether calls are cached; only {@code direct} is not. */
    public boolean caches() {
        return !name.equals("direct");
    }

    /**
     * Runs the cache's pending maintenance now, where the variant can (Weft's backend, the references' caches,
     * Spring's Caffeine caches).
     */
    public void runMaintenance() {
        if (service instanceof CaffeineManualCatalogService) {
            ((CaffeineManualCatalogService) service).cleanUp();
        }
        if (service instanceof CaffeineLoaderCatalogService) {
            ((CaffeineLoaderCatalogService) service).cleanUp();
        }
        if (resources instanceof AnnotationConfigApplicationContext) {
            CacheManager manager = ((AnnotationConfigApplicationContext) resources).getBean(CacheManager.class);
            for (String cacheName : manager.getCacheNames()) {
                Object nativeCache = manager.getCache(cacheName).getNativeCache();
                ((Cache<?, ?>) nativeCache).cleanUp();
            }
        }
        if (name.startsWith("weft") && CachingServices.getDefaultBackend() instanceof MemoryCachingBackend) {
            ((MemoryCachingBackend) CachingServices.getDefaultBackend()).cleanUp();
        }
    }

    /**
     * The Caffeine cache that holds the entries of {@code cacheName} in a Spring variant (Spring keeps one per cache
     * name), for the entry-size measurement.
     */
    public Cache<?, ?> springNativeCache(String cacheName) {
        CacheManager manager = ((AnnotationConfigApplicationContext) resources).getBean(CacheManager.class);
        return (Cache<?, ?>) manager.getCache(cacheName).getNativeCache();
    }

    /** The service to call. */
    public CatalogService service() {
        return service;
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
