package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachedMethodInfo;
import dev.weft.caching.CachingConfiguration;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The public view of the cached methods in use: what integrations (metrics, endpoints) build on. */
class CachedMethodInfoTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static {
        CachingServices.setProfile(CachingProfile.builder("info-test")
                .slidingExpiration(Duration.ofMinutes(2))
                .loadWaitTimeout(Duration.ofSeconds(7))
                .build());
    }

    private final List<Consumer<? super CachedMethodInfo>> listeners = new CopyOnWriteArrayList<>();

    @AfterEach
    void removeListeners() {
        listeners.forEach(CachingServices::removeCachedMethodListener);
        CachingServices.setProfile(CachingProfile.builder("info-test")
                .slidingExpiration(Duration.ofMinutes(2))
                .loadWaitTimeout(Duration.ofSeconds(7))
                .build());
    }

    private void listen(Consumer<? super CachedMethodInfo> listener) {
        listeners.add(listener);
        CachingServices.addCachedMethodListener(listener);
    }

    @CachingConfiguration(profile = "info-test")
    static class Catalog {
        @Cached(absoluteExpiration = "10m")
        String product(long id) {
            return "p" + id;
        }

        @Cached(autoReload = true)
        String price(long id) {
            return "$" + id;
        }
    }

    @CachingConfiguration(failSafe = "30s", softTimeout = "200ms", eagerRefresh = "80%")
    static class ResilientCatalog {
        @Cached(absoluteExpiration = "1m")
        String product(long id) {
            return "p" + id;
        }

        @Cached(absoluteExpiration = "1m", failSafe = "none", eagerRefresh = "0.5")
        String stock(long id) {
            return "s" + id;
        }
    }

    static class FirstUsedByTheListenerTest {
        @Cached
        String value(int id) {
            return "v" + id;
        }
    }

    static class FirstUsedByTheThrowingListenerTest {
        @Cached
        String value(int id) {
            return "v" + id;
        }
    }

    static class FirstUsedAfterRemoval {
        @Cached
        String value(int id) {
            return "v" + id;
        }
    }

    private static CachedMethodInfo find(Class<?> type, String name) {
        return CachingServices.cachedMethods().stream()
                .filter(m -> m.method().getDeclaringClass() == type && m.method().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(type.getName() + "." + name + " is not listed"));
    }

    @Test
    void aMethodIsListedFromItsFirstCallWithItsEffectiveSettings() {
        Catalog catalog = new Catalog();
        catalog.product(1);

        CachedMethodInfo product = find(Catalog.class, "product");
        assertThat(product.name()).isEqualTo(Catalog.class.getName() + ".product(long id)");
        CachingProfile settings = product.settings();
        assertThat(settings.name()).isEqualTo("info-test");
        assertThat(settings.absoluteExpiration()).as("the method's own").isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.slidingExpiration()).as("the profile's").isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.loadWaitTimeout()).as("the profile's").isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.autoReload()).isFalse();
        assertThat(settings.enabled()).isTrue();
    }

    @Test
    void theResilienceSettingsOfACachingConfigurationApplyToItsMethodsUnlessAMethodSetsItsOwn() {
        ResilientCatalog catalog = new ResilientCatalog();
        catalog.product(1);
        catalog.stock(1);

        CachingProfile product = find(ResilientCatalog.class, "product").settings();
        assertThat(product.failSafe()).as("the class's").isEqualTo(Duration.ofSeconds(30));
        assertThat(product.softTimeout()).as("the class's").isEqualTo(Duration.ofMillis(200));
        assertThat(product.eagerRefresh()).as("the class's").isEqualTo(0.8);

        CachingProfile stock = find(ResilientCatalog.class, "stock").settings();
        assertThat(stock.failSafe()).as("the method's: off").isEqualTo(Duration.ZERO);
        assertThat(stock.softTimeout()).as("the class's").isEqualTo(Duration.ofMillis(200));
        assertThat(stock.eagerRefresh()).as("the method's").isEqualTo(0.5);
    }

    @Test
    void theListIsSortedByName() {
        Catalog catalog = new Catalog();
        catalog.product(1);
        catalog.price(1);
        List<String> names = CachingServices.cachedMethods().stream().map(CachedMethodInfo::name).toList();
        assertThat(names).isSorted().contains(Catalog.class.getName() + ".price(long id)",
                Catalog.class.getName() + ".product(long id)");
    }

    @Test
    void settingsFollowAReplacedProfile() {
        new Catalog().price(1);
        CachedMethodInfo price = find(Catalog.class, "price");
        assertThat(price.settings().autoReload()).isTrue();
        assertThat(price.settings().absoluteExpiration()).isEqualTo(Duration.ZERO);

        CachingServices.setProfile(CachingProfile.builder("info-test")
                .absoluteExpiration(Duration.ofSeconds(30)).enabled(false).build());

        assertThat(price.settings().absoluteExpiration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(price.settings().enabled()).isFalse();
        assertThat(price.settings().autoReload()).as("declared on the method").isTrue();
    }

    @Test
    void statisticsAreTheMethodsCountersNow() {
        Catalog catalog = new Catalog();
        catalog.product(2);
        CachedMethodInfo product = find(Catalog.class, "product");
        CachingStatistics.Counters before = product.statistics();

        catalog.product(2);
        catalog.product(2);
        catalog.product(3);

        CachingStatistics.Counters delta = product.statistics().minus(before);
        assertThat(delta.hits()).isEqualTo(2);
        assertThat(delta.misses()).isEqualTo(1);
        assertThat(delta.loads()).isEqualTo(1);
        assertThat(delta.stores()).isEqualTo(1);
        assertThat(product.statistics().hits())
                .isEqualTo(CachingServices.statistics().methods().get(product.name()).hits());
    }

    @Test
    void eachMethodHasOneInstance() {
        new Catalog().product(1);
        assertThat(find(Catalog.class, "product")).isSameAs(find(Catalog.class, "product"));
    }

    @Test
    void aListenerHearsOfEveryKnownMethodAtOnceAndOfEachNewOneAtItsFirstCall() {
        new Catalog().product(1);
        List<CachedMethodInfo> heard = new CopyOnWriteArrayList<>();
        listen(heard::add);
        assertThat(heard).as("the methods already known").contains(find(Catalog.class, "product"));
        assertThat(heard).noneMatch(m -> m.method().getDeclaringClass() == FirstUsedByTheListenerTest.class);

        new FirstUsedByTheListenerTest().value(1);
        new FirstUsedByTheListenerTest().value(2);

        assertThat(heard).filteredOn(m -> m.method().getDeclaringClass() == FirstUsedByTheListenerTest.class)
                .as("once, at the first call").hasSize(1);
        assertThat(heard).as("every method once").doesNotHaveDuplicates();
    }

    @Test
    void aListenerAddedTwiceIsCalledOncePerMethod() {
        List<CachedMethodInfo> heard = new CopyOnWriteArrayList<>();
        Consumer<CachedMethodInfo> listener = heard::add;
        listen(listener);
        int known = heard.size();
        listen(listener);
        assertThat(heard).hasSize(known);
    }

    @Test
    void aListenerThatThrowsDoesNotFailTheCachedCall() {
        listen(m -> {
            throw new IllegalStateException("a broken listener");
        });
        assertThat(new FirstUsedByTheThrowingListenerTest().value(1)).isEqualTo("v1");
        assertThat(find(FirstUsedByTheThrowingListenerTest.class, "value").statistics().misses()).isEqualTo(1);
    }

    @Test
    void aRemovedListenerHearsNoMore() {
        List<CachedMethodInfo> heard = new CopyOnWriteArrayList<>();
        Consumer<CachedMethodInfo> listener = heard::add;
        listen(listener);
        assertThat(CachingServices.removeCachedMethodListener(listener)).isTrue();
        assertThat(CachingServices.removeCachedMethodListener(listener)).isFalse();
        heard.clear();

        new FirstUsedAfterRemoval().value(1);

        assertThat(heard).isEmpty();
    }
}
