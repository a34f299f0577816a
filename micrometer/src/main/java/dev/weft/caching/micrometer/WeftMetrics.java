package dev.weft.caching.micrometer;

import dev.weft.caching.CachedMethodInfo;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.memory.MemoryCachingBackend;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Weft's counters as Micrometer meters. Meters read Weft's own counters when the registry polls them: nothing is
 * counted twice, and the hit path pays nothing for metrics.
 *
 * <pre>{@code
 * WeftMetrics.create()
 *     .backend(memoryBackend)        // cache.size, cache.evictions
 *     .invalidator(invalidator)      // weft.invalidations.*, weft.invalidation.latency
 *     .bindTo(registry);
 * // with weft-backend-redis: .backend(level.options().localCache()).invalidator(level.localCacheSync()), and
 * // RedisBackendMeters.binder(level).bindTo(registry) for weft.l2.* (a class of its own: this one loads without it)
 * }</pre>
 *
 * <h2>Meters</h2>
 * Per cached method, tagged {@code cache} (the method, {@code com.acme.Svc.get}) and {@code profile}, under
 * Micrometer's cache conventions: {@code cache.gets} ({@code result=hit|miss}), {@code cache.puts}, and
 * {@code weft.load.duration} (a function timer over the loads). A method appears when it is first called. For the
 * memory backend, tagged {@code cache=weft}: {@code cache.size}, and {@code cache.evictions} when the backend records
 * Caffeine statistics. For an invalidator: {@code weft.invalidations.sent}, {@code weft.invalidations.received}
 * (operations), {@code weft.invalidation.gaps}, {@code weft.invalidation.malformed}, {@code weft.invalidation.connected}
 * (1 or 0), {@code weft.invalidation.bypassing} (1 while the cache is bypassed), and {@code weft.invalidation.latency},
 * a timer from each applied message's sending (sender's clock) to its application (this clock).
 *
 * <p>Bind one instance to one registry, and close it when the registry goes away. Thread-safe once bound.
 */
public final class WeftMetrics implements MeterBinder, AutoCloseable {

    private final Tags commonTags;
    private MemoryCachingBackend backend;
    private CacheInvalidator invalidator;
    private volatile Consumer<CachedMethodInfo> methodListener;

    private WeftMetrics(Iterable<Tag> tags) {
        this.commonTags = Tags.of(tags);
    }

    /** Metrics with no extra tags. */
    public static WeftMetrics create() {
        return new WeftMetrics(Tags.empty());
    }

    /** Metrics with these tags added to every meter. */
    public static WeftMetrics create(Iterable<Tag> tags) {
        return new WeftMetrics(Objects.requireNonNull(tags, "tags"));
    }

    /** Also meter this memory backend's size and evictions. */
    public WeftMetrics backend(MemoryCachingBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /** Also meter this invalidator's traffic, losses and latency. */
    public WeftMetrics invalidator(CacheInvalidator invalidator) {
        this.invalidator = Objects.requireNonNull(invalidator, "invalidator");
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Consumer<CachedMethodInfo> listener = method -> bindMethod(registry, method);
        methodListener = listener;
        CachingServices.addCachedMethodListener(listener);
        if (backend != null) {
            bindBackend(registry, backend);
        }
        if (invalidator != null) {
            bindInvalidator(registry, invalidator);
        }
    }

    private void bindMethod(MeterRegistry registry, CachedMethodInfo method) {
        // The meters read the method's counters when the registry polls; the CachedMethodInfo they hold is Weft's one
        // instance for the method, kept for the life of the JVM (function meters hold their state only weakly).
        Method m = method.method();
        Tags tags = commonTags.and("cache", m.getDeclaringClass().getName() + "." + m.getName(),
                "profile", method.settings().name());
        FunctionCounter.builder("cache.gets", method, counter(CachingStatistics.Counters::hits))
                .tags(tags).tag("result", "hit")
                .description("Calls answered from the cache").register(registry);
        FunctionCounter.builder("cache.gets", method, counter(CachingStatistics.Counters::misses))
                .tags(tags).tag("result", "miss")
                .description("Calls that ran the method to load the value").register(registry);
        FunctionCounter.builder("cache.puts", method, counter(CachingStatistics.Counters::stores))
                .tags(tags).description("Values stored").register(registry);
        FunctionTimer.builder("weft.load.duration", method, i -> i.statistics().loads(),
                        i -> i.statistics().loadTime().toNanos(), TimeUnit.NANOSECONDS)
                .tags(tags).description("Time spent running cached methods on misses").register(registry);
        FunctionCounter.builder("weft.load.stale.prevented", method,
                        counter(CachingStatistics.Counters::staleWriteBacksPrevented))
                .tags(tags).description("Loads not stored because an invalidation overlapped them")
                .register(registry);
        FunctionCounter.builder("weft.load.takeovers", method, counter(CachingStatistics.Counters::waitTimeouts))
                .tags(tags).description("Loads past their deadline taken over by a waiting caller")
                .register(registry);
        FunctionCounter.builder("weft.load.background", method, counter(CachingStatistics.Counters::backgroundLoads))
                .tags(tags).description("Reloads run in the background: auto-reload, eager refresh, soft timeouts")
                .register(registry);
        FunctionCounter.builder("weft.stale.served", method, counter(CachingStatistics.Counters::staleServed))
                .tags(tags).description("Calls answered with an expired (never an invalidated) value")
                .register(registry);
        FunctionCounter.builder("weft.stale.failsafe", method,
                        counter(CachingStatistics.Counters::failSafeActivations))
                .tags(tags).description("Failed reloads answered with the expired value instead (fail-safe)")
                .register(registry);
        FunctionCounter.builder("weft.stale.soft.timeout", method, counter(CachingStatistics.Counters::softTimeouts))
                .tags(tags).description("Slow reloads answered with the expired value after the soft timeout")
                .register(registry);
    }

    private static ToDoubleFunction<CachedMethodInfo> counter(ToLongFunction<CachingStatistics.Counters> which) {
        return method -> which.applyAsLong(method.statistics());
    }

    private void bindBackend(MeterRegistry registry, MemoryCachingBackend memory) {
        Tags tags = commonTags.and("cache", "weft");
        Gauge.builder("cache.size", memory, MemoryCachingBackend::estimatedSize)
                .tags(tags).description("Entries in the memory backend (approximate)").register(registry);
        FunctionCounter.builder("cache.evictions", memory, m -> m.caffeineStatistics().evictionCount())
                .tags(tags).description("Entries evicted by size (needs recordStatistics)").register(registry);
    }

    private void bindInvalidator(MeterRegistry registry, CacheInvalidator inv) {
        Tags tags = commonTags.and("instance", inv.instanceId());
        counter(registry, inv, "weft.invalidations.sent", InvalidatorStatus::operationsSent, tags,
                "Invalidations published by this instance");
        counter(registry, inv, "weft.invalidations.received", InvalidatorStatus::operationsApplied, tags,
                "Invalidations from other instances applied here");
        counter(registry, inv, "weft.invalidation.gaps", InvalidatorStatus::gapsDetected, tags,
                "Sequence gaps: invalidation messages lost");
        counter(registry, inv, "weft.invalidation.malformed", InvalidatorStatus::malformedMessages, tags,
                "Malformed messages ignored");
        Gauge.builder("weft.invalidation.connected", inv, i -> i.status().connected() ? 1 : 0)
                .tags(tags).description("1 while other instances' invalidations arrive").register(registry);
        Gauge.builder("weft.invalidation.bypassing", inv, i -> i.status().bypassingCache() ? 1 : 0)
                .tags(tags).description("1 while the cache is bypassed (disconnected)").register(registry);
        Timer latency = Timer.builder("weft.invalidation.latency")
                .tags(tags)
                .description("From a message's sending (sender's clock) to its application here (this clock)")
                .publishPercentileHistogram()
                .register(registry);
        inv.setMessageLatencyListener(millis -> latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS));
    }

    private static void counter(MeterRegistry registry, CacheInvalidator inv, String name,
                                ToDoubleFunction<InvalidatorStatus> value, Tags tags, String description) {
        FunctionCounter.builder(name, inv, i -> value.applyAsDouble(i.status()))
                .tags(tags).description(description).register(registry);
    }

    /**
     * Stops adding meters for methods used from now on, and releases the registry (an application context that is
     * closed and restarted binds a new instance). Meters already registered stay in the registry.
     */
    @Override
    public void close() {
        Consumer<CachedMethodInfo> listener = methodListener;
        if (listener != null) {
            CachingServices.removeCachedMethodListener(listener);
            methodListener = null;
        }
    }

    @Override
    public String toString() {
        return "WeftMetrics{statistics=" + CachingServices.class.getSimpleName() + ".statistics()}";
    }
}
