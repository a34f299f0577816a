package dev.weft.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.weft.architecture.hitpath.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hit-path rule of {@link ArchitectureTest#aCacheHitNeitherLogsNorReflects()} bites: {@link HitPath} run on the
 * small paths of {@link Fixtures}, each with one thing a hit must not do, finds it (and finds nothing on the clean
 * one). Without these, a walk that silently stopped following calls would pass on Weft's real hit path as well.
 */
class HitPathRuleTest {

    private static JavaClasses fixtures;

    @BeforeAll
    static void importFixtures() {
        fixtures = new ClassFileImporter().importPackagesOf(Fixtures.class);
    }

    @Test
    void aCleanPathHasNoViolationAndIsFollowedIntoItsHelpers() {
        HitPath.Result r = walk(Fixtures.Clean.class);
        assertThat(r.violations()).isEmpty();
        assertThat(r.reaches(Fixtures.Clean.class.getName() + ".describe(java.lang.Object)")).isTrue();
    }

    @Test
    void aLogCallTwoCallsBelowTheEntryIsFound() {
        HitPath.Result r = walk(Fixtures.LogsTwoCallsDeep.class);
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.what()).isEqualTo("logs");
            assertThat(v.path())
                    .isEqualTo("LogsTwoCallsDeep.hit() -> LogsTwoCallsDeep.first() -> LogsTwoCallsDeep.second()");
            assertThat(v.access()).contains("org.slf4j.Logger.debug");
        });
    }

    @Test
    void aReflectiveCallInAnImplementationBehindAnInterfaceIsFound() {
        HitPath.Result r = walk(Fixtures.ThroughAnInterface.class);
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.what()).isEqualTo("reflects");
            assertThat(v.path()).endsWith("AnnotationReadingStore.get()");
            assertThat(v.access()).contains("java.lang.Class.isAnnotationPresent");
        });
        assertThat(r.reaches(Fixtures.PlainStore.class.getName() + ".get(java.lang.Object)")).isTrue();
    }

    @Test
    void aLogCallInsideALambdaIsFound() {
        HitPath.Result r = walk(Fixtures.LogsInALambda.class);
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.what()).isEqualTo("logs");
            assertThat(v.access()).contains("org.slf4j.Logger.trace");
        });
    }

    @Test
    void methodInvokeIsFound() {
        HitPath.Result r = walk(Fixtures.InvokesReflectively.class);
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.what()).isEqualTo("reflects");
            assertThat(v.access()).contains("java.lang.reflect.Method.invoke");
        });
    }

    @Test
    void aBoundaryIsReachedButNotWalkedInto() {
        String resolve = Fixtures.ResolvesOnFirstUse.class.getName() + ".resolve()";
        assertThat(walk(Fixtures.ResolvesOnFirstUse.class).violations()).singleElement()
                .satisfies(v -> assertThat(v.access()).contains("java.lang.Class.forName"));
        HitPath.Result bounded = HitPath.walk(entry(Fixtures.ResolvesOnFirstUse.class), HitPathRuleTest::isFixture,
                Set.of(resolve));
        assertThat(bounded.violations()).isEmpty();
        assertThat(bounded.reaches(resolve)).isTrue();
    }

    @Test
    void whatABoundaryHandsOutIsWalked() {
        String formatter = Fixtures.HandsOutAFormatter.class.getName() + ".formatter()";
        HitPath.Result r = HitPath.walk(entry(Fixtures.HandsOutAFormatter.class), HitPathRuleTest::isFixture,
                Set.of(formatter));
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).endsWith("HandsOutAFormatter.formatter() -> HandsOutAFormatter.format()");
            assertThat(v.access()).contains("java.lang.Class.getDeclaredFields");
        });
    }

    private static HitPath.Result walk(Class<?> path) {
        return HitPath.walk(entry(path), HitPathRuleTest::isFixture, Set.of());
    }

    private static List<JavaCodeUnit> entry(Class<?> path) {
        JavaClass c = fixtures.get(path);
        return c.getMethods().stream().filter(m -> m.getName().equals("hit")).map(JavaCodeUnit.class::cast).toList();
    }

    private static boolean isFixture(JavaClass c) {
        return c.getPackageName().equals(Fixtures.class.getPackageName());
    }
}
