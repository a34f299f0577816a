package dev.weft.caching.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.DefaultBackendProvider;
import dev.weft.caching.internal.key.KeyFormatting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weft's process-wide state, behind {@code CachingServices}. Fields read on the hit path are static and volatile so
 * that a hit costs plain loads.
 */
public final class CachingRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching");

    /** The backend cached methods use; {@code null} until set or first needed. */
    private static volatile CachingBackend backend;
    /**
     * What the hit path reads: {@link #backend}'s {@link CachingBackend#localLevel()}, written with it (under the
     * backend lock, after it). A reader racing a change may see the old one for a moment, as it may the old backend.
     */
    private static volatile CachingBackend hitBackend;

    /**
     * Global switch: when false every cached method runs its body (for tests and emergencies). Folded into each
     * method's settings, so the hit path reads only those.
     */
    private static volatile boolean enabled = true;
    private static final Object ENABLED_LOCK = new Object();

    /** Maximum length of a canonical key before it is shortened to method + digest. */
    private static volatile int maxKeyLength = 1024;

    public static final KeyFormatting FORMATTING = new KeyFormatting();

    private static final Map<String, CachingProfile> PROFILES = new ConcurrentHashMap<>();
    private static final Object BACKEND_LOCK = new Object();
    private static boolean defaultBackendCreated;

    static {
        PROFILES.put(CachingProfile.DEFAULT_NAME, CachingProfile.builder(CachingProfile.DEFAULT_NAME).build());
    }

    private CachingRuntime() {
    }

    /** Turns caching on or off for every method, re-resolving the settings of the methods used so far. */
    public static void setEnabled(boolean on) {
        synchronized (ENABLED_LOCK) {
            if (on == enabled) {
                return;
            }
            enabled = on;
            ProfileListeners.fire(null);
        }
    }

    /** The global switch ({@link #setEnabled}). */
    public static boolean enabled() {
        return enabled;
    }

    /** The backend in use, or {@code null} before one is set or first needed. */
    public static CachingBackend currentBackend() {
        return backend;
    }

    /**
     * What the hit path reads: the backend in use's {@linkplain CachingBackend#localLevel() local level} (the backend
     * itself unless it has a slower level behind a local one), or {@code null} before a backend is set or first needed.
     * When it is not {@link #backend()}, a miss there is not a miss of the backend: the load path reads the backend.
     */
    public static CachingBackend hitBackend() {
        return hitBackend;
    }

    /** Makes {@code b} the backend in use (or none); refuses a backend without a local level before changing anything. */
    private static void install(CachingBackend b) {
        CachingBackend level = b == null ? null : b.localLevel();
        if (b != null && level == null) {
            throw new CachingConfigurationException(b + ": localLevel() returned null; a backend without a local level "
                    + "in front of a slower one returns itself (the default)");
        }
        backend = b;
        hitBackend = level;
    }

    /** Returns the backend, creating the default memory backend on first need. */
    public static CachingBackend backend() {
        CachingBackend b = backend;
        return b != null ? b : createDefaultBackend();
    }

    /** Replaces the backend; returns the previous one (or {@code null}). */
    public static CachingBackend setBackend(CachingBackend b) {
        Objects.requireNonNull(b, "backend");
        synchronized (BACKEND_LOCK) {
            CachingBackend previous = backend;
            install(b);
            if (previous != null && defaultBackendCreated) {
                // the default backend is Weft's own: nobody else can close it
                defaultBackendCreated = false;
                previous.close();
                return null;
            }
            defaultBackendCreated = false;
            return previous;
        }
    }

    /**
     * Forgets {@code expected} if it is the backend in use (the caller closes it); the next cached call creates the
     * default backend. Returns whether it was in use.
     */
    public static boolean resetBackend(CachingBackend expected) {
        synchronized (BACKEND_LOCK) {
            if (backend != expected || expected == null) {
                return false;
            }
            install(null);
            defaultBackendCreated = false;
            return true;
        }
    }

    private static CachingBackend createDefaultBackend() {
        synchronized (BACKEND_LOCK) {
            if (backend != null) {
                return backend;
            }
            Iterator<DefaultBackendProvider> providers =
                    ServiceLoader.load(DefaultBackendProvider.class, CachingRuntime.class.getClassLoader()).iterator();
            if (!providers.hasNext()) {
                throw new CachingConfigurationException("no caching backend: call CachingServices.setDefaultBackend(...) "
                        + "at start-up, or add dev.weft:weft-backend-memory to the class path for the default "
                        + "in-memory backend");
            }
            CachingBackend b = providers.next().create();
            LOG.info("No caching backend was set with CachingServices.setDefaultBackend(...); using {} with default "
                    + "settings", b);
            install(b);
            defaultBackendCreated = true;
            return b;
        }
    }

    // ---- profiles ----------------------------------------------------------------------------------------------

    /** The profile with that name, or {@code null}. */
    public static CachingProfile profile(String name) {
        return PROFILES.get(name);
    }

    /** Registers or replaces a profile and re-resolves the settings of the methods that use it. */
    public static void setProfile(CachingProfile profile) {
        Objects.requireNonNull(profile, "profile");
        PROFILES.put(profile.name(), profile);
        ProfileListeners.fire(profile);
    }

    // ---- background reloads -------------------------------------------------------------------------------------

    private static volatile Executor reloadExecutor;

    /**
     * Where background reloads run (auto-reload, eager refresh, soft timeouts); by default up to four daemon threads
     * named {@code weft-reload-N}.
     */
    public static Executor reloadExecutor() {
        Executor e = reloadExecutor;
        if (e == null) {
            synchronized (CachingRuntime.class) {
                e = reloadExecutor;
                if (e == null) {
                    AtomicInteger n = new AtomicInteger();
                    ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(), r -> {
                                Thread t = new Thread(r, "weft-reload-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
                    pool.allowCoreThreadTimeOut(true);
                    reloadExecutor = e = pool;
                }
            }
        }
        return e;
    }

    public static void setReloadExecutor(Executor executor) {
        reloadExecutor = Objects.requireNonNull(executor, "executor");
    }

    // ---- keys --------------------------------------------------------------------------------------------------

    public static int maxKeyLength() {
        return maxKeyLength;
    }

    public static void setMaxKeyLength(int max) {
        if (max < 64) {
            throw new IllegalArgumentException("the maximum key length must be at least 64 characters, got " + max);
        }
        maxKeyLength = max;
    }
}
