package dev.weft.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.USE_JAVA_UTIL_LOGGING;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Weft's architecture in a page. Each rule below is a sentence of the design that the build checks on the compiled
 * classes of every module of the reactor (see {@link Modules}); breaking one fails {@code ./mvnw verify}. To change
 * the architecture, change this page in the same commit, and say why in the commit message.
 *
 * <h2>Modules and what each may use</h2>
 *
 * The published modules form a small graph: the core ({@code caching-aspects}: annotations, aspects,
 * {@code CachingServices}, the backend SPI, the invalidator base) depends on no other module; the memory backend and
 * the transports build on the core only, the shared Redis level on the core, the memory backend and the Redis
 * invalidator (its local caches' sync), the Micrometer binder on the core and the backends, and the Spring Boot
 * starter on everything it configures. Test support, samples and benchmarks come after and are never used by a
 * published module. {@link #MAY_USE} is the table; a module's tests may also use its own main code, the test
 * support modules and the memory backend. Code that ajc weaves into a class (inlined advice, calls to the aspects)
 * is the aspect library's, not the class's, and is not judged (see {@link Uses}).
 *
 * <h2>What {@code internal} means</h2>
 *
 * A package named {@code internal} (or below one) belongs to its module alone: its types are public only because
 * Java needs them to be across that module's packages. No other module, published or not, uses them; they change
 * without notice. What integrations need is public API (for example {@code CachingServices.cachedMethods()}, which
 * the Micrometer binder and the starter use). {@link #MAY_LOOK_INSIDE} lists the deliberate exceptions, each with its
 * reason, and tests that run ajc may name an aspect class to find the aspect library ({@link #ASPECTS}). And the
 * public API does not hand out internal types: no public or protected member of a public type outside an internal
 * package has one in its signature.
 *
 * <h2>What library code does not do</h2>
 *
 * Published modules log through SLF4J only: no {@code System.out}/{@code System.err}, no {@code java.util.logging}.
 * The core knows no backend and no transport (nor Caffeine, Lettuce, the Azure SDK, Micrometer or Spring Boot), the
 * memory backend no transport, and the transports nothing of each other. And a cache hit, the call users make millions
 * of times a second, neither logs nor reflects: {@link HitPath} follows the calls a hit makes through Weft's code;
 * {@link #HIT_PATH_BOUNDARIES} lists the set-up code it reaches that runs once per method or type, with the reason.
 */
class ArchitectureTest {

    /** The modules users depend on, in Maven Central. */
    static final Set<String> PUBLISHED = Set.of("caching-aspects", "backend-memory", "invalidator-redis",
            "backend-redis", "invalidator-azure", "micrometer", "spring-boot-starter");

    /** What every module's tests may use besides what its main code may: the test support and the memory backend. */
    private static final Set<String> TESTS_MAY_ALSO_USE = Set.of("test-support", "test-support-servicebus",
            "backend-memory");

    /** For each module with code: the other modules its main code may use. */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            entry("caching-aspects", Set.of()),
            entry("backend-memory", Set.of("caching-aspects")),
            entry("invalidator-redis", Set.of("caching-aspects")),
            entry("invalidator-azure", Set.of("caching-aspects")),
            // the shared Redis level keeps its local caches in sync with the Redis invalidator, reused as it is
            entry("backend-redis", Set.of("caching-aspects", "backend-memory", "invalidator-redis")),
            entry("micrometer", Set.of("caching-aspects", "backend-memory", "backend-redis")),
            entry("spring-boot-starter", Set.of("caching-aspects", "backend-memory", "micrometer", "invalidator-redis",
                    "backend-redis", "invalidator-azure")),
            entry("test-support", Set.of()),
            entry("test-support-servicebus", Set.of("test-support")),
            // test-only modules: what their tests use
            entry("tests", Set.of("caching-aspects", "backend-memory", "invalidator-redis")),
            entry("tests-spring-boot3", Set.of("caching-aspects", "backend-memory", "micrometer", "invalidator-redis",
                    "backend-redis", "invalidator-azure", "spring-boot-starter")),
            entry("tests-ltw", Set.of("caching-aspects", "backend-memory")),
            entry("tests-docs", Set.of("caching-aspects", "backend-memory", "invalidator-redis", "backend-redis",
                    "invalidator-azure")),
            entry("samples/quickstart", Set.of("caching-aspects", "backend-memory")),
            entry("samples/product-catalog", Set.of("caching-aspects", "backend-memory", "invalidator-redis",
                    "backend-redis", "invalidator-azure")),
            entry("samples/spring-boot", Set.of("caching-aspects", "backend-memory", "spring-boot-starter")),
            entry("benchmarks/subjects", Set.of("caching-aspects", "backend-memory")),
            entry("benchmarks", Set.of("caching-aspects", "backend-memory", "invalidator-redis", "backend-redis",
                    "benchmarks/subjects", "test-support")));

    /** Packages of Weft's backends, transports and integrations, and of the libraries they are built on. */
    private static final String[] BACKENDS = {"dev.weft.caching.memory..", "dev.weft.caching.redis.backend..",
        "com.github.benmanes.caffeine.."};
    private static final String[] REDIS = {"dev.weft.caching.redis..", "io.lettuce.."};
    private static final String[] AZURE = {"dev.weft.caching.azure..", "com.azure.."};
    private static final String[] INTEGRATIONS = {"dev.weft.caching.micrometer..", "io.micrometer..",
        "dev.weft.spring.boot..", "org.springframework.boot.."};

    /**
     * Classes allowed to use another module's internal packages, by name prefix, each with the reason. Keep this list
     * short: every entry is code that breaks when the internals change.
     */
    static final Map<String, String> MAY_LOOK_INSIDE = Map.of(
            "dev.weft.benchmarks.breakdown.",
            "the hit-path diagnosis times Weft's internal pieces one at a time (docs/performance.md)",
            "dev.weft.benchmarks.l2.SerializerBenchmark",
            "the serializer comparison times the default serializer's Jackson set-up with and without its allow-list",
            "dev.weft.benchmarks.fullcache.EntryFootprint",
            "the retained heap per entry leaves out the per-method state of every cached method, found in the registry",
            "dev.weft.caching.tests.SingleFlightModelCheckTest",
            "the model check tells Lincheck to treat the method registry as one step, and reads a method's flights");

    /**
     * Modules whose code is another module's, built a second way: their classes are judged as that module's tests.
     * tests-spring-boot3 compiles and runs the starter's own tests against Spring Boot 3.5.
     */
    static final Map<String, String> SAME_CODE_AS = Map.of("tests-spring-boot3", "spring-boot-starter");

    /**
     * The aspects' package: tests that run ajc themselves (weave-time checks) find the aspect library on disk through
     * one of its classes, {@code UsageChecks.class}; a class literal in test code is all they may use of it.
     */
    static final String ASPECTS = "dev.weft.caching.internal.aspects";

    /** The modules whose code runs on a cache hit (Caffeine's is not Weft's to judge). */
    static final Set<String> HIT_PATH_MODULES = Set.of("caching-aspects", "backend-memory");

    /** Methods a hit can reach that run once per method or per type, not once per hit, each with its reason. */
    static final Map<String, String> HIT_PATH_BOUNDARIES = Map.of(
            "dev.weft.caching.internal.method.CachedMethods.create(org.aspectj.lang.JoinPoint$StaticPart)",
            "the first call through a join point builds its CachedMethod (reflection, annotations): once per method",
            "dev.weft.caching.internal.key.KeyFormatting.resolve(java.lang.Class)",
            "the first key of an argument type finds its writer (record accessors, toString overrides): once per type");

    private static Modules modules;

    @BeforeAll
    static void readTheReactor() {
        modules = Modules.load();
    }

    @Test
    void everyModuleWithCodeIsInTheTable() {
        Set<String> withCode = modules.all().stream()
                .filter(m -> m.hasMainCode() || m.hasTestCode())
                .map(Modules.Module::name)
                .filter(n -> !n.equals("tests-architecture"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(MAY_USE.keySet()).as("modules in MAY_USE").containsExactlyInAnyOrderElementsOf(withCode);
        assertThat(modules.classes()).as("classes read").hasSizeGreaterThan(500);
    }

    @Test
    void theCoreKnowsNoBackendAndNoTransport() {
        // the core finds its default backend through ServiceLoader (DefaultBackendProvider), never by name
        noClasses().that(mainCodeOf("caching-aspects"))
                .should().dependOnClassesThat().resideInAnyPackage(concat(BACKENDS, REDIS, AZURE, INTEGRATIONS))
                .orShould().dependOnClassesThat().resideInAnyPackage("io.netty..", "com.fasterxml.jackson..")
                .check(modules.classes());
        noClasses().that(mainCodeOf("backend-memory"))
                .should().dependOnClassesThat().resideInAnyPackage(concat(REDIS, AZURE, INTEGRATIONS))
                .check(modules.classes());
    }

    @Test
    void theTransportsAreIndependent() {
        noClasses().that(mainCodeOf("invalidator-redis")).should().dependOnClassesThat().resideInAnyPackage(AZURE)
                .orShould().dependOnClassesThat().resideInAnyPackage(BACKENDS)
                .check(modules.classes());
        noClasses().that(mainCodeOf("invalidator-azure")).should().dependOnClassesThat().resideInAnyPackage(REDIS)
                .orShould().dependOnClassesThat().resideInAnyPackage(BACKENDS)
                .check(modules.classes());
        // the Redis level reuses the Redis invalidator's wire protocol (MAY_USE), and knows nothing of Azure
        noClasses().that(mainCodeOf("backend-redis")).should().dependOnClassesThat().resideInAnyPackage(AZURE)
                .check(modules.classes());
    }

    @Test
    void internalPackagesBelongToTheirModule() {
        classes().should(new ArchCondition<JavaClass>("use no other module's internal package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Optional<Modules.Location> from = modules.locate(origin);
                if (from.isEmpty() || mayLookInside(origin)) {
                    return;
                }
                for (Uses.Use use : Uses.of(origin)) {
                    JavaClass target = use.target().getBaseComponentType();
                    if (!isInternal(target)) {
                        continue;
                    }
                    if (from.get().test() && use.kind() == Uses.Kind.CLASS_LITERAL
                            && target.getPackageName().equals(ASPECTS)) {
                        continue;
                    }
                    Optional<Modules.Location> to = modules.locate(target);
                    if (to.isPresent() && !owner(to.get()).equals(owner(from.get()))) {
                        events.add(SimpleConditionEvent.violated(origin, from.get() + " uses "
                                + to.get().module().name() + "'s internal " + target.getName() + ": " + use));
                    }
                }
            }
        }).check(modules.classes());
    }

    @Test
    void modulesUseOnlyWhatTheTableAllows() {
        classes().should(new ArchCondition<JavaClass>("use only the modules MAY_USE allows") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Optional<Modules.Location> from = modules.locate(origin);
                if (from.isEmpty()) {
                    return;
                }
                String module = from.get().module().name();
                Set<String> allowed = new TreeSet<>(MAY_USE.getOrDefault(module, Set.of()));
                allowed.add(module);
                allowed.add(owner(from.get()));
                if (from.get().test()) {
                    allowed.addAll(TESTS_MAY_ALSO_USE);
                }
                for (Uses.Use use : Uses.of(origin)) {
                    Optional<Modules.Location> to = modules.locate(use.target().getBaseComponentType());
                    if (to.isPresent() && !allowed.contains(to.get().module().name())) {
                        events.add(SimpleConditionEvent.violated(origin, from.get() + " may not use "
                                + to.get().module().name() + ": " + use));
                    }
                }
            }
        }).check(modules.classes());
    }

    @Test
    void thePublicApiHandsOutNoInternalType() {
        classes().that(publishedMainCode()).and().arePublic().and(notInternal())
                .should(new ArchCondition<JavaClass>("have no internal type in a public or protected signature") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        List<String> leaks = new ArrayList<>();
                        c.getRawSuperclass().filter(ArchitectureTest::isInternal)
                                .ifPresent(s -> leaks.add("extends " + s.getName()));
                        c.getRawInterfaces().stream().filter(ArchitectureTest::isInternal)
                                .forEach(i -> leaks.add("implements " + i.getName()));
                        for (JavaField f : c.getFields()) {
                            if (visible(f.getModifiers()) && isInternal(f.getRawType())) {
                                leaks.add("field " + f.getName() + " of type " + f.getRawType().getName());
                            }
                        }
                        for (JavaCodeUnit u : c.getCodeUnits()) {
                            if (!visible(u.getModifiers())) {
                                continue;
                            }
                            if (isInternal(u.getRawReturnType())) {
                                leaks.add(u.getFullName() + " returns " + u.getRawReturnType().getName());
                            }
                            u.getRawParameterTypes().stream().filter(ArchitectureTest::isInternal)
                                    .forEach(p -> leaks.add(u.getFullName() + " takes " + p.getName()));
                        }
                        for (String leak : leaks) {
                            events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + leak));
                        }
                    }
                }).check(modules.classes());
    }

    @Test
    void libraryCodeLogsThroughSlf4jOnly() {
        noClasses().that(publishedMainCode()).should(ACCESS_STANDARD_STREAMS).orShould(USE_JAVA_UTIL_LOGGING)
                .check(modules.classes());
    }

    /**
     * A hit runs what the woven advice calls before it knows it has a hit ({@code CachedMethods.of}, {@code keys()},
     * {@code KeyShape.key}, {@code CachedMethod.lookup}) and the key methods Caffeine calls; from there every method of
     * the core and the memory backend those reach, virtual calls to the backend and invalidator included. None may
     * call a logging API, {@code java.lang.reflect} (but {@code Array}), a reflective {@code Class} method or the
     * AspectJ join point. Set-up code in {@link #HIT_PATH_BOUNDARIES} is not judged, but the functions it hands out for
     * later calls (the key writers) are. {@link HitPathRuleTest} shows the walk catching each case on fixtures; checked
     * by hand once as well: a {@code LOG.debug} added to {@code CachedMethod.lookup} fails this test, naming the call.
     */
    @Test
    void aCacheHitNeitherLogsNorReflects() {
        HitPath.Result hit = HitPath.walk(hitPathEntries(), ArchitectureTest::onTheHitPath,
                HIT_PATH_BOUNDARIES.keySet());
        assertThat(hit.violations()).as("what a cache hit logs or reflects").isEmpty();
        // the walk got where a hit goes: a rule that stopped following calls would pass on anything
        assertThat(List.of("dev.weft.caching.memory.MemoryCachingBackend.get(dev.weft.caching.backend.ItemKey)",
                "dev.weft.caching.invalidation.CacheInvalidator.get(dev.weft.caching.backend.ItemKey)",
                "dev.weft.caching.internal.key.MethodKey.hashCode()",
                "dev.weft.caching.internal.load.CallStack.top()",
                "dev.weft.caching.internal.key.KeyFormatting.appendArray(dev.weft.caching.internal.key.KeyFormatting,"
                        + " java.lang.Object, java.lang.StringBuilder)"))
                .allSatisfy(m -> assertThat(hit.reaches(m)).as("the hit path reaches " + m).isTrue());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** The modules whose main code a hit runs: the aspects' and the memory backend's. */
    private static boolean onTheHitPath(JavaClass c) {
        return modules.locate(c).filter(l -> !l.test() && HIT_PATH_MODULES.contains(l.module().name())).isPresent();
    }

    /** The methods a hit enters: what the advice calls before its MISS test, and what Caffeine calls on a key. */
    private static List<JavaCodeUnit> hitPathEntries() {
        List<JavaCodeUnit> entries = new ArrayList<>();
        JavaClass methods = modules.classes().get("dev.weft.caching.internal.method.CachedMethods");
        JavaClass method = modules.classes().get("dev.weft.caching.internal.method.CachedMethod");
        JavaClass shape = modules.classes().get("dev.weft.caching.internal.key.KeyShape");
        entries.add(methods.getMethod("of", "org.aspectj.lang.JoinPoint$StaticPart"));
        entries.add(method.getMethod("keys"));
        entries.add(method.getMethod("lookup", "dev.weft.caching.backend.ItemKey"));
        shape.getMethods().stream().filter(m -> m.getName().equals("key")).forEach(entries::add);
        JavaClass itemKey = modules.classes().get("dev.weft.caching.backend.ItemKey");
        for (JavaClass k : itemKey.getAllSubclasses()) {
            if (onTheHitPath(k)) {
                k.tryGetMethod("hashCode").ifPresent(entries::add);
                k.tryGetMethod("equals", "java.lang.Object").ifPresent(entries::add);
            }
        }
        return entries;
    }

    /** The module whose code a class is: its own, or the one {@link #SAME_CODE_AS} names. */
    private static String owner(Modules.Location location) {
        String name = location.module().name();
        return SAME_CODE_AS.getOrDefault(name, name);
    }

    private static boolean mayLookInside(JavaClass c) {
        return MAY_LOOK_INSIDE.keySet().stream().anyMatch(prefix -> c.getName().startsWith(prefix));
    }

    static boolean isInternal(JavaClass c) {
        String p = c.getPackageName();
        return p.endsWith(".internal") || p.contains(".internal.");
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static DescribedPredicate<JavaClass> publishedMainCode() {
        return DescribedPredicate.describe("are in a published module's main code", c -> modules.locate(c)
                .filter(l -> !l.test() && PUBLISHED.contains(l.module().name())).isPresent());
    }

    private static DescribedPredicate<JavaClass> mainCodeOf(String module) {
        return DescribedPredicate.describe("are in " + module + "'s main code", c -> modules.locate(c)
                .filter(l -> !l.test() && l.module().name().equals(module)).isPresent());
    }

    private static String[] concat(String[]... groups) {
        return Arrays.stream(groups).flatMap(Arrays::stream).toArray(String[]::new);
    }

    private static DescribedPredicate<JavaClass> notInternal() {
        return DescribedPredicate.describe("are not in an internal package", c -> !isInternal(c));
    }
}
