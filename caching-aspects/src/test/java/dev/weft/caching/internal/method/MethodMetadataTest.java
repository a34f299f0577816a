package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfiguration;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Weft works out once per cached method: the method part of its keys, its settings, how its results are stored.
 * Built here directly: the registry keeps one per method for the life of the JVM.
 */
class MethodMetadataTest {

    @SuppressWarnings("unused")
    static class Overloads {
        @Cached
        String find(int id) {
            return "";
        }

        @Cached
        String find(int id, String region) {
            return "";
        }

        @Cached
        String on(java.util.Date day) {
            return "";
        }

        @Cached
        String on(java.sql.Date day) {
            return "";
        }

        @Cached
        String alone(int id) {
            return "";
        }

        String alone(long id) {
            return "not cached: not an overload that shares keys";
        }
    }

    @CachingConfiguration(absoluteExpiration = "10m", failSafe = "5m", softTimeout = "2s", eagerRefresh = "80%",
            autoReload = true)
    @SuppressWarnings("unused")
    static class Configured {
        @Cached
        String inherits(int id) {
            return "";
        }

        @Cached(failSafe = "1m", softTimeout = "1s", eagerRefresh = "50%")
        String overrides(int id) {
            return "";
        }
    }

    @SuppressWarnings("unused")
    static class Plain {
        @Cached(absoluteExpiration = "10m", autoReload = true)
        String reloads(int id) {
            return "";
        }

        @Cached(slidingExpiration = "3m", autoReload = true)
        String reloadsSliding(int id) {
            return "";
        }

        @Cached(absoluteExpiration = "10m", failSafe = "1m", autoReload = true)
        String reloadsWithFailSafe(int id) {
            return "";
        }

        @Cached(eagerRefresh = "80%")
        String refreshesWithoutExpiration(int id) {
            return "";
        }

        @Cached
        String twoParameters(int first, String second) {
            return "";
        }
    }

    private static Method method(Class<?> type, String name, Class<?>... types) throws NoSuchMethodException {
        return type.getDeclaredMethod(name, types);
    }

    // ---- the method part of keys ------------------------------------------------------------------------------------

    @Test
    void overloadsGetTheirParameterTypesInTheirKeysSimpleNamesWhenTheyTellThemApart() throws Exception {
        assertThat(ParameterNames.methodPart(method(Overloads.class, "find", int.class))).isEqualTo("find<int>");
        assertThat(ParameterNames.methodPart(method(Overloads.class, "find", int.class, String.class)))
                .isEqualTo("find<int,String>");
        assertThat(ParameterNames.methodPart(method(Overloads.class, "alone", int.class))).isEqualTo("alone");
    }

    @Test
    void overloadsWhoseSimpleTypeNamesClashGetBinaryNames() throws Exception {
        assertThat(ParameterNames.methodPart(method(Overloads.class, "on", java.util.Date.class)))
                .isEqualTo("on<java.util.Date>");
        assertThat(ParameterNames.methodPart(method(Overloads.class, "on", java.sql.Date.class)))
                .isEqualTo("on<java.sql.Date>");
    }

    @Test
    void withoutParameterNamesMessagesNameParametersByPosition() throws Exception {
        // a class compiled without -parameters that ajc recorded no names for
        CachedMethod m = new CachedMethod(method(Plain.class, "twoParameters", int.class, String.class), null);
        assertThat(m.keys().keyParameterNames()).containsExactly("arg0", "arg1");
        assertThat(m.display()).endsWith("Plain.twoParameters(int, String)");
    }

    // ---- settings ---------------------------------------------------------------------------------------------------

    @Test
    void aMethodTakesWhatItDoesNotDeclareFromItsClassesCachingConfiguration() throws Exception {
        Method inherits = method(Configured.class, "inherits", int.class);
        DeclaredSettings d = DeclaredSettings.of(inherits.getAnnotation(Cached.class), Configured.class, "inherits");
        assertThat(d.failSafe).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.softTimeout).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.eagerRefresh).isEqualTo(0.8);
        assertThat(d.autoReload).isTrue();

        Method overrides = method(Configured.class, "overrides", int.class);
        DeclaredSettings o = DeclaredSettings.of(overrides.getAnnotation(Cached.class), Configured.class, "overrides");
        assertThat(o.failSafe).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.softTimeout).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.eagerRefresh).isEqualTo(0.5);
        assertThat(o.absoluteExpiration).isEqualTo(Duration.ofMinutes(10));
    }

    private static MethodSettings settings(Class<?> type, String name, CachingProfile profile) throws Exception {
        Method m = method(type, name, int.class);
        return MethodSettings.resolve(DeclaredSettings.of(m.getAnnotation(Cached.class), type, name), profile, true,
                name);
    }

    @Test
    void eagerRefreshIsAFractionOfTheAbsoluteExpiration() throws Exception {
        MethodSettings s = settings(Configured.class, "inherits", CachingProfile.builder("p").build());
        assertThat(s.eagerRefresh()).isEqualTo(0.8);
        assertThat(s.expiration.refreshAfterNanos()).isEqualTo(Duration.ofMinutes(8).toNanos());
        assertThat(s.toString()).contains("eagerRefresh=0.8", "failSafe=PT5M", "softTimeout=PT2S", "autoReload=true");
    }

    @Test
    void eagerRefreshWithoutAnAbsoluteExpirationIsAConfigurationError() {
        assertThatThrownBy(() -> settings(Plain.class, "refreshesWithoutExpiration",
                CachingProfile.builder("p").build()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageStartingWith("refreshesWithoutExpiration: eagerRefresh is a fraction of the absolute "
                        + "expiration, and the method has none");
    }

    @Test
    void autoReloadServesTheExpiredValueForOneMoreExpirationPeriodUnlessAFailSafePeriodIsSet() throws Exception {
        CachingProfile p = CachingProfile.builder("p").build();
        assertThat(settings(Plain.class, "reloads", p).failSafe()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings(Plain.class, "reloadsSliding", p).failSafe()).isEqualTo(Duration.ofMinutes(3));
        assertThat(settings(Plain.class, "reloadsWithFailSafe", p).failSafe()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aLoadWaitTimeoutTooLongForNanosecondsMeansForever() throws Exception {
        CachingProfile p = CachingProfile.builder("p").loadWaitTimeout(Duration.ofDays(365L * 1000)).build();
        assertThat(settings(Plain.class, "reloads", p).loadWaitTimeout()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }

    // ---- how results are stored -------------------------------------------------------------------------------------

    @Test
    void futuresAreStoredWhenTheyCompleteAndEachCallerGetsItsOwn() {
        ResultShape future = ResultShape.of(CompletableFuture.class, "m");
        assertThat(future).isNotNull();
        assertThat(future.isAsync()).isTrue();
        Object f = future.toCaller("v");
        assertThat(f).isInstanceOf(CompletableFuture.class);
        assertThat(((CompletableFuture<?>) f).join()).isEqualTo("v");

        ResultShape stage = ResultShape.of(CompletionStage.class, "m");
        assertThat(stage).isNotNull();
        assertThat(stage.isAsync()).isTrue();
        CompletionStage<?> s = (CompletionStage<?>) stage.toCaller("v");
        assertThat(s.toCompletableFuture().join()).isEqualTo("v");
        // a CompletionStage result is a minimal stage: a caller cannot complete it for the others
        assertThatThrownBy(() -> ((CompletableFuture<Object>) s).complete("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void monosAndFluxesAreStoredAsTheirValueAndTheirListOfElements() {
        ResultShape mono = ResultShape.of(Mono.class, "m");
        assertThat(mono).isNotNull();
        assertThat(mono.isAsync()).isTrue();
        assertThat(((Mono<?>) mono.toCaller("v")).block()).isEqualTo("v");

        ResultShape flux = ResultShape.of(Flux.class, "m");
        assertThat(flux).isNotNull();
        assertThat(((Flux<?>) flux.toCaller(List.of(1, 2))).collectList().block()).isEqualTo(List.of(1, 2));
    }

    /** A reactive type Weft does not know. */
    static class OtherPublisher implements Publisher<String> {
        @Override
        public void subscribe(Subscriber<? super String> s) {
        }
    }

    static class DerivedPublisher extends OtherPublisher {
    }

    @Test
    void otherReactiveTypesAreAConfigurationErrorThatNamesTheType() {
        assertThatThrownBy(() -> ResultShape.of(OtherPublisher.class, "Svc.find(int id)"))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessage("Svc.find(int id): @Cached supports Reactor's Mono and Flux among reactive types, not "
                        + OtherPublisher.class.getName() + "; return a Mono or a Flux, or convert the result in an "
                        + "uncached method around a cached one");
        assertThatThrownBy(() -> ResultShape.of(DerivedPublisher.class, "Svc.find(int id)"))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("not " + DerivedPublisher.class.getName());
        assertThat(ResultShape.of(String.class, "m")).as("a plain value is stored as it is").isNull();
    }
}
