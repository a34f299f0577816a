package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.NotCacheKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @InvalidateCache}: which entries a mutating method removes, and the errors for what cannot match. */
class InvalidateCacheTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    static class ProductService {
        final Map<Long, String> names = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Cached
        public String getProduct(long id) {
            reads.incrementAndGet();
            return names.getOrDefault(id, "?");
        }

        @Cached
        public String getProduct(long id, String locale) {
            reads.incrementAndGet();
            return names.getOrDefault(id, "?") + "@" + locale;
        }

        @Cached
        public String summary(long id, @NotCacheKey StringBuilder trace) {
            reads.incrementAndGet();
            return "summary of " + names.getOrDefault(id, "?");
        }

        @InvalidateCache("getProduct")
        public void rename(long id, String newName) {
            names.put(id, newName);
        }

        @InvalidateCache({"getProduct", "summary"})
        public void renameEverywhere(String locale, long id, String newName) {
            names.put(id, newName);
        }

        @InvalidateCache("getProduct")
        public void renameOrFail(long id, String newName) {
            names.put(id, newName);
            throw new IllegalStateException("rolled back");
        }

        @InvalidateCache("getProduct")
        public CompletableFuture<Void> renameLater(long id, String newName, CompletableFuture<Void> gate) {
            return gate.thenRun(() -> names.put(id, newName));
        }

        @InvalidateCache("getProduct")
        public void wrongType(String id) {
        }

        @InvalidateCache("getProduct")
        public void wrongName(long productId) {
        }

        @InvalidateCache("noSuchMethod")
        public void noSuchMethod(long id) {
        }
    }

    /** Invalidates the cached methods of another class. */
    static class ProductAdmin {
        final ProductService service;

        ProductAdmin(ProductService service) {
            this.service = service;
        }

        @InvalidateCache(value = "getProduct", type = ProductService.class)
        public void rename(long id, String name) {
            service.names.put(id, name);
        }
    }

    private final ProductService service = new ProductService();

    @Test
    void theMatchingEntryIsRemovedAfterTheMethodReturns() {
        service.names.put(1L, "old");
        assertThat(service.getProduct(1)).isEqualTo("old");
        service.rename(1, "new");
        assertThat(service.getProduct(1)).isEqualTo("new");
    }

    @Test
    void onlyTheEntryOfTheMatchingArgumentsIsRemoved() {
        service.getProduct(1);
        service.getProduct(2);
        int before = service.reads.get();
        service.rename(1, "new");
        service.getProduct(2);
        assertThat(service.reads.get()).isEqualTo(before);
        service.getProduct(1);
        assertThat(service.reads.get()).isEqualTo(before + 1);
    }

    @Test
    void everyOverloadWhoseKeyParametersMatchIsInvalidated() {
        service.names.put(1L, "old");
        service.getProduct(1);
        service.getProduct(1, "fr");
        service.summary(1, new StringBuilder());
        service.renameEverywhere("fr", 1, "new");
        assertThat(service.getProduct(1)).isEqualTo("new");
        assertThat(service.getProduct(1, "fr")).isEqualTo("new@fr");
        assertThat(service.summary(1, new StringBuilder())).isEqualTo("summary of new");
    }

    @Test
    void anOverloadWhoseParametersAreNotAllSuppliedIsLeftAlone() {
        service.names.put(1L, "old");
        service.getProduct(1, "fr");
        service.rename(1, "new");
        assertThat(service.getProduct(1, "fr")).as("rename has no 'locale' parameter").isEqualTo("old@fr");
    }

    @Test
    void aMethodThatThrowsInvalidatesNothing() {
        service.names.put(1L, "old");
        service.getProduct(1);
        assertThatThrownBy(() -> service.renameOrFail(1, "new")).hasMessage("rolled back");
        assertThat(service.getProduct(1)).isEqualTo("old");
    }

    @Test
    void anAsynchronousMethodInvalidatesWhenItsResultCompletesAndBeforeItsCallerSeesIt() {
        service.names.put(1L, "old");
        service.getProduct(1);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<String> readAfter = service.renameLater(1, "new", gate)
                .thenApply(v -> service.getProduct(1));
        assertThat(service.getProduct(1)).isEqualTo("old");
        gate.complete(null);
        assertThat(readAfter.join()).isEqualTo("new");
    }

    @Test
    void cachedMethodsOfAnotherClassAreNamedWithType() {
        service.names.put(1L, "old");
        service.getProduct(1);
        new ProductAdmin(service).rename(1, "new");
        assertThat(service.getProduct(1)).isEqualTo("new");
    }

    @Test
    void aParameterOfTheWrongTypeIsAnErrorNamingTheMethodAndTheParameter() {
        assertThatThrownBy(() -> service.wrongType("1"))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("InvalidateCacheTest$ProductService.wrongType(String id)")
                .hasMessageContaining("@InvalidateCache(\"getProduct\") matches no overload")
                .hasMessageContaining("needs long id");
    }

    @Test
    void aMissingParameterNameIsAnErrorRaisedBeforeTheBodyRuns() {
        assertThatThrownBy(() -> service.wrongName(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("wrongName(long productId)")
                .hasMessageContaining("needs long id");
    }

    @Test
    void anUnknownMethodNameIsAnError() {
        assertThatThrownBy(() -> service.noSuchMethod(1))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("noSuchMethod(long id)")
                .hasMessageContaining("has no @Cached method of that name");
    }
}
