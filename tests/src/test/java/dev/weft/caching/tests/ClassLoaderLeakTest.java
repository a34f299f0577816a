package dev.weft.caching.tests;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.aspectj.lang.JoinPoint;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19, case 9: the per-thread state was never removed from its {@code ThreadLocal}, so a pooled thread that had
 * run one cached call kept Weft's objects, and through them the class loader of the application that used Weft (a
 * web application redeployed in a servlet container leaked its whole class loader). Loads Weft, Caffeine, AspectJ's
 * runtime, SLF4J and a woven probe in a class loader of their own, runs the probe on a thread that outlives it, drops
 * the loader and checks that the garbage collector can take it. Fails without the fix (the loader stays reachable).
 */
class ClassLoaderLeakTest {

    @Test
    void aPooledThreadThatRanCachedCallsDoesNotKeepTheApplicationsClassLoader() throws Exception {
        ExecutorService pooled = Executors.newSingleThreadExecutor();
        try {
            WeakReference<ClassLoader> loader = runInOwnLoader(pooled);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
                System.gc();
                return loader.get() == null;
            });
        } finally {
            pooled.shutdownNow();
            assertThat(pooled.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Runs the probe on {@code pooled} in a new loader; returns the loader, weakly, once nothing here holds it. */
    private static WeakReference<ClassLoader> runInOwnLoader(ExecutorService pooled) throws Exception {
        URL[] urls = {
                location(LeakProbe.class), location(CachingServices.class), location(MemoryCachingBackend.class),
                location(Caffeine.class), location(JoinPoint.class), location(LoggerFactory.class),
                location(LoggerFactory.getILoggerFactory().getClass())
        };
        ChildFirstLoader loader = new ChildFirstLoader(urls, ClassLoaderLeakTest.class.getClassLoader());
        Class<?> probe = loader.loadClass(LeakProbe.class.getName());
        assertThat(probe.getClassLoader()).isSameAs(loader);
        Object result = pooled.submit(() -> probe.getMethod("run").invoke(null)).get(30, TimeUnit.SECONDS);
        assertThat(result).isEqualTo("outer inner 1/outer inner 1");
        loader.close();
        return new WeakReference<>(loader);
    }

    private static URL location(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Loads every class it can find itself, as a servlet container's web-application loader does. */
    private static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.") && !name.startsWith("javax.") && !name.startsWith("jdk.")
                        && !name.startsWith("sun.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notHere) {
                        c = null;
                    }
                }
                if (c == null) {
                    c = super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
