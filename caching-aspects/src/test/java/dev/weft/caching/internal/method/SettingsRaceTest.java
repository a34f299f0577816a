package dev.weft.caching.internal.method;

import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.weft.caching.internal.method.SettingsRaceService.BUILT;
import static dev.weft.caching.internal.method.SettingsRaceService.CHANGED_TWICE;
import static dev.weft.caching.internal.method.SettingsRaceService.REGISTERED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A method's settings when a profile change races its registration, or another change of its profile: once
 * {@code CachingServices.setProfile} returns, the method uses the new profile, however the resolutions of its settings
 * interleave. Each race is made deterministic by pausing one resolution after it read the profile and before it
 * published the settings ({@link CachedMethod#afterResolve}), and letting the other side run meanwhile: to its end, or
 * until it waits for the paused one.
 *
 * <p>Each test registers a method of its own, with a profile of its own, in the process-wide registry
 * ({@link CachedMethods}), which keeps it for the life of the JVM: nothing else uses these profiles, and each run
 * takes the method from a copy of {@link SettingsRaceService} in a class loader of its own, so that a run in a JVM
 * that ran the test before (PIT reruns it for each mutant) registers it again.
 */
class SettingsRaceTest {

    private Pause pause;

    @AfterEach
    void removePause() {
        CachedMethod.afterResolve = null;
        if (pause != null) {
            pause.resume.countDown();
        }
    }

    @Test
    void aMethodRegisteredWhileItsProfileChangesUsesTheNewProfileOnceTheChangeReturns() throws Exception {
        // Fails without the fix in CachedMethods (registration and profile changes resolve under one lock): the
        // registration's own resolution, which read the old profile, published its settings after the change had
        // published the new ones, and the method kept the old profile until the next change.
        CachingServices.setProfile(profile(REGISTERED, 1));
        Method method = method("registered");
        Thread registrar = new Thread(() -> CachedMethods.forMethod(method), "registrar");
        // its second resolution: the first is the constructor's, before the method can be found
        pause = new Pause(method, registrar, 2);
        CachedMethod.afterResolve = pause;
        registrar.start();
        pause.awaitReached();

        Run change = Run.start("change", () -> CachingServices.setProfile(profile(REGISTERED, 2)));
        change.awaitEndOrBlocked();
        pause.resume.countDown();
        change.result.get(5, TimeUnit.SECONDS);
        registrar.join(5_000);

        assertThat(CachedMethods.forMethod(method).settings().absoluteExpiration()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aProfileChangeMadeWhileAMethodIsBuiltReachesItWhenItIsRegistered() throws Exception {
        // The change runs to its end while the method, built from the old profile, is not registered yet: the change
        // cannot find it, so the registration resolves its settings again. Fails if CachedMethods skips that second
        // resolution (the mutant of its settingsChanged call that PIT reports).
        CachingServices.setProfile(profile(BUILT, 1));
        Method method = method("built");
        CompletableFuture<CachedMethod> registered = new CompletableFuture<>();
        Thread registrar = new Thread(() -> registered.complete(CachedMethods.forMethod(method)), "registrar");
        pause = new Pause(method, registrar, 1);   // the constructor's resolution
        CachedMethod.afterResolve = pause;
        registrar.start();
        pause.awaitReached();

        CachingServices.setProfile(profile(BUILT, 2));
        pause.resume.countDown();

        assertThat(registered.get(5, TimeUnit.SECONDS).settings().absoluteExpiration())
                .isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void ofTwoChangesOfAProfileTheLaterOneIsTheOneItsMethodsUse() throws Exception {
        // Fails without the fix in CachedMethods: the first change's resolution, which read the first profile,
        // published its settings after the second change had published the later ones.
        CachingServices.setProfile(profile(CHANGED_TWICE, 1));
        Method method = method("changedTwice");
        CachedMethod m = CachedMethods.forMethod(method);
        Thread first = new Thread(() -> CachingServices.setProfile(profile(CHANGED_TWICE, 2)), "first change");
        pause = new Pause(method, first, 1);
        CachedMethod.afterResolve = pause;
        first.start();
        pause.awaitReached();

        Run second = Run.start("second change", () -> CachingServices.setProfile(profile(CHANGED_TWICE, 3)));
        second.awaitEndOrBlocked();
        pause.resume.countDown();
        second.result.get(5, TimeUnit.SECONDS);
        first.join(5_000);

        assertThat(m.settings().absoluteExpiration()).isEqualTo(Duration.ofMinutes(3));
    }

    /** The method {@code name} of a new copy of {@link SettingsRaceService}, which the registry has not seen. */
    private static Method method(String name) throws Exception {
        String binaryName = SettingsRaceService.class.getName();
        byte[] bytes;
        String resource = "/" + binaryName.replace('.', '/') + ".class";
        try (InputStream in = SettingsRaceService.class.getResourceAsStream(resource)) {
            bytes = in.readAllBytes();
        }
        ClassLoader copy = new ClassLoader(SettingsRaceService.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(binaryName)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
            }
        };
        Class<?> svc = copy.loadClass(binaryName);
        assertThat(svc).isNotSameAs(SettingsRaceService.class);
        return svc.getDeclaredMethod(name, int.class);
    }

    private static CachingProfile profile(String name, int minutes) {
        return CachingProfile.builder(name).absoluteExpiration(Duration.ofMinutes(minutes)).build();
    }

    /** Holds the {@code nth} resolution of {@code method}'s settings on {@code thread} until {@link #resume}. */
    private static final class Pause implements Consumer<Method> {
        final Method method;
        final Thread thread;
        final int nth;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        /** Counted on {@link #thread} only. */
        private int resolutions;

        Pause(Method method, Thread thread, int nth) {
            this.method = method;
            this.thread = thread;
            this.nth = nth;
        }

        @Override
        public void accept(Method m) {
            if (Thread.currentThread() != thread || !m.equals(method) || ++resolutions != nth) {
                return;
            }
            reached.countDown();
            try {
                if (!resume.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("never resumed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitReached() throws InterruptedException {
            assertThat(reached.await(5, TimeUnit.SECONDS)).as("the resolution reached the pause").isTrue();
        }
    }

    /** A change of settings on a thread of its own. */
    private record Run(Thread thread, CompletableFuture<Void> result) {

        static Run start(String name, Runnable change) {
            CompletableFuture<Void> result = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    change.run();
                    result.complete(null);
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            }, name);
            t.start();
            return new Run(t, result);
        }

        /**
         * Waits until the change returned, or waits for the paused resolution to publish first (it is blocked on a
         * monitor: the paused resolution holds the one the change needs). Either way the change has done all it can
         * do before the paused resolution goes on.
         */
        void awaitEndOrBlocked() {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> result.isDone() || thread.getState() == Thread.State.BLOCKED);
        }
    }
}
