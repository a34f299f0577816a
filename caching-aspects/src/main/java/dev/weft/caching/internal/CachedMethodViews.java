package dev.weft.caching.internal;

import dev.weft.caching.CachedMethodInfo;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.internal.method.CachedMethod;
import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.internal.method.MethodSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The public {@link CachedMethodInfo} over the method registry: the one place where the public API meets
 * {@code internal.method}. Thin on purpose: every call delegates to a {@link CachedMethod}, so a rebuild of the
 * registry changes this class and nothing that integrations compiled against.
 */
public final class CachedMethodViews {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching");

    /**
     * One view per method, kept as long as the method is (for the life of the JVM): callers may rely on identity, and
     * Micrometer's function meters hold their state object only weakly, so a view made per call would be collected
     * and its meters would read NaN.
     */
    private static final ConcurrentHashMap<CachedMethod, View> VIEWS = new ConcurrentHashMap<>();

    /** The registry listener installed for each application listener, to remove it again. */
    private static final ConcurrentHashMap<Consumer<? super CachedMethodInfo>, Consumer<CachedMethod>> LISTENERS =
            new ConcurrentHashMap<>();

    /** Orders adding and removing listeners: a private lock, which no code outside can hold (the class's it could). */
    private static final Object LISTENERS_LOCK = new Object();

    private CachedMethodViews() {
    }

    /** Every method known so far, sorted by name. */
    public static List<CachedMethodInfo> all() {
        List<CachedMethodInfo> all = new ArrayList<>();
        for (CachedMethod m : CachedMethods.all()) {
            all.add(of(m));
        }
        all.sort(Comparator.comparing(CachedMethodInfo::name));
        return List.copyOf(all);
    }

    /**
     * Calls {@code listener} once for every method known so far and once for each new one. A method created while the
     * listener is being added could reach it both from the registry's creation callback and from the walk over the
     * known methods; the set of methods already reported makes that one call. A listener that throws is logged, never
     * propagated: it runs inside the first call of a business method.
     */
    public static void addListener(Consumer<? super CachedMethodInfo> listener) {
        synchronized (LISTENERS_LOCK) {
            Objects.requireNonNull(listener, "listener");
            Set<CachedMethod> reported = ConcurrentHashMap.newKeySet();
            Consumer<CachedMethod> onCreation = m -> {
                if (reported.add(m)) {
                    try {
                        listener.accept(of(m));
                    } catch (RuntimeException e) {
                        LOG.warn("A cached-method listener ({}) failed for {}; ignored", listener, m.display(), e);
                    }
                }
            };
            if (LISTENERS.putIfAbsent(listener, onCreation) != null) {
                return; // already added: a listener is called once per method, however often it is added
            }
            CachedMethods.addCreationListener(onCreation);
        }
    }

    /** Stops calling {@code listener}; returns whether it had been added. */
    public static boolean removeListener(Consumer<? super CachedMethodInfo> listener) {
        synchronized (LISTENERS_LOCK) {
            Consumer<CachedMethod> onCreation = LISTENERS.remove(Objects.requireNonNull(listener, "listener"));
            if (onCreation == null) {
                return false;
            }
            CachedMethods.removeCreationListener(onCreation);
            return true;
        }
    }

    private static CachedMethodInfo of(CachedMethod m) {
        return VIEWS.computeIfAbsent(m, View::new);
    }

    private static final class View implements CachedMethodInfo {
        private final CachedMethod method;

        View(CachedMethod method) {
            this.method = method;
        }

        @Override
        public Method method() {
            return method.method();
        }

        @Override
        public String name() {
            return method.display();
        }

        @Override
        public CachingProfile settings() {
            MethodSettings s = method.settings();
            return CachingProfile.builder(s.profile())
                    .enabled(s.enabled())
                    .absoluteExpiration(s.absoluteExpiration())
                    .slidingExpiration(s.slidingExpiration())
                    .autoReload(s.autoReload())
                    .failSafe(s.failSafe())
                    .softTimeout(s.softTimeout())
                    .eagerRefresh(s.eagerRefresh())
                    .loadWaitTimeout(s.loadWaitTimeout())
                    .build();
        }

        @Override
        public CachingStatistics.Counters statistics() {
            return method.statistics().snapshot();
        }

        @Override
        public String toString() {
            return "CachedMethodInfo{" + method.display() + '}';
        }
    }
}
