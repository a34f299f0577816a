package dev.weft.caching.tests;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.internal.aspects.UsageChecks;
import org.aspectj.bridge.IMessage;
import org.aspectj.bridge.MessageHandler;
import org.aspectj.tools.ajc.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The load-path defects of issue 19, cases 4 to 9 (cases 1 to 3 are in {@link AutoReloadTest} and
 * {@link KeyIdentityTest}). Each test fails on the code before the rebuild (checked by running this class against it).
 */
class LoadPathDefectsTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    @TempDir
    Path dir;

    // ---- case 4 --------------------------------------------------------------------------------------------------

    static class Repository {
        final AtomicInteger bodies = new AtomicInteger();

        @Cached
        String find(int id) {
            bodies.incrementAndGet();
            return "row " + id + " of " + this;
        }

        @InvalidateCache("find")
        void update(int id) {
        }
    }

    /** A subclass whose instances are part of the key. */
    static final class TenantRepository extends Repository implements CacheKey {
        private final String tenant;

        TenantRepository(String tenant) {
            this.tenant = tenant;
        }

        @Override
        public String toCacheKey() {
            return tenant;
        }

        @Override
        public String toString() {
            return tenant;
        }
    }

    /**
     * Case 4: the invalidating side decided from the declaring class (which does not implement CacheKey) that the
     * target was not part of the key, while the cached side decided from the runtime class that it was: the update
     * removed nothing and the old row stayed cached.
     */
    @Test
    void invalidateCacheRemovesTheEntriesOfASubclassThatImplementsCacheKey() {
        TenantRepository acme = new TenantRepository("acme");
        TenantRepository globex = new TenantRepository("globex");
        acme.find(1);
        globex.find(1);
        acme.update(1);
        acme.find(1);
        globex.find(1);
        assertThat(acme.bodies.get()).as("acme's entry was invalidated").isEqualTo(2);
        assertThat(globex.bodies.get()).as("globex's entry was not").isEqualTo(1);
    }

    // ---- case 5 --------------------------------------------------------------------------------------------------

    static class Leaky {
        final AtomicInteger bodies = new AtomicInteger();
        volatile boolean explode;

        @Cached(dependsOn = "{name}")
        String byName(String name) {
            bodies.incrementAndGet();
            return "named " + name;
        }

        @Cached
        String mayExplode(int id) {
            bodies.incrementAndGet();
            if (explode) {
                throw new StackOverflowError("simulated");
            }
            return "fine " + id;
        }
    }

    /**
     * Case 5: a load whose item could not be built (the template renders an empty dependency) never ended its token.
     * Now the value is returned uncached, and loads of the same key go on working.
     */
    @Test
    void aResultWhoseItemCannotBeBuiltIsReturnedUncachedAndLoadsGoOn() {
        Leaky leaky = new Leaky();
        assertThat(leaky.byName("")).isEqualTo("named ");
        assertThat(leaky.byName("")).isEqualTo("named ");
        assertThat(leaky.bodies.get()).as("not stored: an empty dependency cannot be invalidated").isEqualTo(2);
        assertThat(leaky.byName("x")).isEqualTo("named x");
        assertThat(leaky.byName("x")).isEqualTo("named x");
        assertThat(leaky.bodies.get()).isEqualTo(3);
    }

    /** Case 5: a body that throws an Error left its token (and its flight) behind. */
    @Test
    void aBodyThatThrowsAnErrorEndsItsLoad() {
        Leaky leaky = new Leaky();
        leaky.explode = true;
        assertThatThrownBy(() -> leaky.mayExplode(1)).isInstanceOf(StackOverflowError.class);
        leaky.explode = false;
        assertThat(leaky.mayExplode(1)).isEqualTo("fine 1");
        assertThat(leaky.mayExplode(1)).isEqualTo("fine 1");
        assertThat(leaky.bodies.get()).isEqualTo(2);
    }

    /**
     * Case 5: loads that never end (a future that never completes, an Error) kept the invalidation log from pruning;
     * past its limit every load was refused. Now the log keeps no record of loads and forgets old marks.
     */
    @Test
    void loadsThatNeverEndDoNotHoldTheInvalidationLogBack() {
        Stuck stuck = new Stuck();
        CachingServices.setProfile(CachingProfile.builder("stuck").loadWaitTimeout(Duration.ofMillis(1)).build());
        for (int i = 0; i < 10; i++) {
            stuck.never(i);
        }
        // 150,000 invalidations of distinct keys, spread over more than the log's retention time
        for (int i = 0; i < 150_000; i++) {
            if (i % 10_000 == 0) {
                cache.ticker.advance(Duration.ofSeconds(61));
            }
            CachingServices.invalidateDependency("row:" + i);
        }
        assertThat(cache.backend.invalidationMarks()).as("marks older than the retention time are forgotten")
                .isLessThanOrEqualTo(25_000);
        Leaky leaky = new Leaky();
        leaky.mayExplode(7);
        leaky.mayExplode(7);
        assertThat(leaky.bodies.get()).as("a new load is stored").isEqualTo(1);
    }

    static class Stuck {
        @Cached(profile = "stuck")
        CompletableFuture<String> never(int id) {
            return new CompletableFuture<>();
        }
    }

    // ---- case 6 --------------------------------------------------------------------------------------------------

    static class Slow {
        final AtomicInteger bodies = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch hung = new CountDownLatch(1);
        volatile Thread hangs;

        @Cached(profile = "hung-owner")
        String value(int id) throws InterruptedException {
            int n = bodies.incrementAndGet();
            if (Thread.currentThread() == hangs) {
                hung.countDown();
                release.await();
            }
            return "load " + n;
        }
    }

    /**
     * Case 6: after the wait timeout the waiters ran the body uncached, but the hung flight stayed registered, so
     * every later caller of the key waited the whole timeout again and nothing was ever stored. Now the first waiter
     * past the deadline takes the load over and stores its result; the hung owner's late result is not stored.
     */
    @Test
    void aWaiterPastTheDeadlineTakesOverAHungLoad() throws Exception {
        CachingServices.setProfile(CachingProfile.builder("hung-owner").loadWaitTimeout(Duration.ofMillis(300))
                .build());
        Slow slow = new Slow();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AtomicReference<Thread> owner = new AtomicReference<>();
            Future<String> first = pool.submit(() -> {
                owner.set(Thread.currentThread());
                slow.hangs = Thread.currentThread();
                return slow.value(1);
            });
            assertThat(slow.hung.await(10, TimeUnit.SECONDS)).isTrue();
            Future<String> second = pool.submit(() -> slow.value(1));
            assertThat(second.get(10, TimeUnit.SECONDS)).as("the waiter took over").isEqualTo("load 2");
            int bodies = slow.bodies.get();
            assertThat(slow.value(1)).as("later callers get the stored value, without waiting").isEqualTo("load 2");
            assertThat(slow.bodies.get()).isEqualTo(bodies);
            slow.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).as("the hung owner gets its own result").isEqualTo("load 1");
            assertThat(slow.value(1)).as("but it is not stored").isEqualTo("load 2");
            assertThat(CachingServices.statistics().methods().get(Slow.class.getName() + ".value(int id)")
                    .waitTimeouts()).isEqualTo(1);
        } finally {
            slow.release.countDown();
            pool.shutdownNow();
        }
    }

    // ---- case 7 --------------------------------------------------------------------------------------------------

    /**
     * Case 7: without {@code -parameters}, an {@code @InvalidateCache} method that ran before the first call of its
     * cached method built the cached method's metadata without parameter names, and failed for the life of the JVM.
     * Names now come from the join points ajc recorded in the woven class, whichever runs first.
     */
    @Test
    void withoutParametersMetadataTheOrderOfFirstCallsDoesNotMatter() throws Exception {
        Class<?> catalog = compileWithoutParameterNames("Catalog", """
                package np;

                import dev.weft.caching.*;

                public class Catalog {
                    public int bodies;

                    @Cached
                    public String get(long id) {
                        bodies++;
                        return "item " + id + " #" + bodies;
                    }

                    @InvalidateCache("get")
                    public void rename(long id, String name) {
                    }
                }
                """);
        Object c = catalog.getConstructor().newInstance();
        Method get = catalog.getMethod("get", long.class);
        Method rename = catalog.getMethod("rename", long.class, String.class);
        assertThat(get.getParameters()[0].isNamePresent()).as("compiled without -parameters").isFalse();
        rename.invoke(c, 1L, "first");
        assertThat(get.invoke(c, 1L)).isEqualTo("item 1 #1");
        assertThat(get.invoke(c, 1L)).isEqualTo("item 1 #1");
        rename.invoke(c, 1L, "second");
        assertThat(get.invoke(c, 1L)).isEqualTo("item 1 #2");
    }

    private Class<?> compileWithoutParameterNames(String className, String source) throws Exception {
        Path src = dir.resolve("np").resolve(className + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = dir.resolve("classes");
        String aspectPath = new File(UsageChecks.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getPath();
        MessageHandler messages = new MessageHandler();
        new Main().run(new String[] {"-17", "-aspectpath", aspectPath, "-classpath",
                System.getProperty("java.class.path") + File.pathSeparator + aspectPath,
                "-d", classes.toString(), src.toString()}, messages);
        assertThat(Arrays.stream(messages.getMessages(IMessage.ERROR, true)).map(IMessage::getMessage)).isEmpty();
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass("np." + className);
    }

    // ---- case 8 --------------------------------------------------------------------------------------------------

    static final class Money {
        final long cents;

        Money(long cents) {
            this.cents = cents;
        }
    }

    static class Shop {
        final AtomicInteger bodies = new AtomicInteger();

        @Cached(dependsOn = "shop")
        String price(Money m) {
            bodies.incrementAndGet();
            return "price " + m.cents;
        }
    }

    /**
     * Case 8: a refused (rolled-back) store dropped the text-to-key mapping that a different key with the same text
     * had just taken, so invalidating by text no longer found that entry. There is no such index now: two arguments
     * whose key text is equal are the same key (a formatter that merges values merges their entries), and an
     * invalidation by text finds the entry by reading the key back.
     */
    @Test
    void argumentsWithEqualKeyTextAreOneEntryAndInvalidationByTextFindsIt() {
        CachingServices.registerKeyFormatter(Money.class, (m, out) -> out.append(m.cents / 100).append(" EUR"));
        Shop shop = new Shop();
        String first = shop.price(new Money(1_250));
        assertThat(shop.price(new Money(1_299))).as("the formatter merges 12.50 and 12.99").isEqualTo(first);
        assertThat(shop.bodies.get()).isEqualTo(1);
        CachingServices.getDefaultBackend().invalidate(Shop.class.getName() + ".price(12 EUR)");
        shop.price(new Money(1_250));
        assertThat(shop.bodies.get()).isEqualTo(2);
    }

    // ---- case 9 --------------------------------------------------------------------------------------------------

    static class Pages {
        final AtomicReference<CachingContext> leaked = new AtomicReference<>();

        @Cached
        String page(int n) {
            leaked.set(CachingContext.current());
            return "page " + n;
        }
    }

    /**
     * Case 9: {@code CachingContext.current()} handed out the mutable internal context: another thread (or code run
     * after the body returned) could add to it while the body read it. Now that is an error, named.
     */
    @Test
    void aContextCannotBeUsedFromAnotherThreadOrAfterItsBody() throws Exception {
        Pages pages = new Pages();
        CountDownLatch inBody = new CountDownLatch(1);
        AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
        Pages blocking = new Pages() {
            @Override
            @Cached
            String page(int n) {
                CachingContext context = CachingContext.current();
                Thread t = new Thread(() -> {
                    try {
                        context.addDependency("from another thread");
                    } catch (Throwable e) {
                        fromOtherThread.set(e);
                    } finally {
                        inBody.countDown();
                    }
                });
                t.start();
                try {
                    inBody.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "page " + n;
            }
        };
        blocking.page(1);
        assertThat(fromOtherThread.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to the thread running the cached body");
        pages.page(2);
        assertThatThrownBy(() -> pages.leaked.get().addDependency("late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("after its cached body returned");
    }
}
