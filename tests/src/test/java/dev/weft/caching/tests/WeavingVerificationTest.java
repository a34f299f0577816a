package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, "no silent no-op": {@link CachingServices#verifyWoven} finds the classes whose Weft annotations do
 * nothing, names them and says how to fix the build. The unwoven class is compiled here by plain javac, as an IDE
 * build or a module without the weaving plugin would; every other class of this module is woven by ajc.
 */
class WeavingVerificationTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    @TempDir
    Path dir;

    /** Compiles {@code source} with javac alone and loads the class. */
    private Class<?> compileWithJavac(String className, String source) throws Exception {
        Path file = dir.resolve("src/plain/" + className + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "--release", "17", "-parameters",
                "-classpath", System.getProperty("java.class.path") + java.io.File.pathSeparator + classes,
                "-d", classes.toString(), file.toString());
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass("plain." + className);
    }

    private Class<?> plainCatalog() throws Exception {
        return compileWithJavac("PlainCatalog", """
                package plain;

                import dev.weft.caching.Cached;
                import dev.weft.caching.InvalidateCache;

                public class PlainCatalog {
                    public int loads;

                    @Cached
                    public String product(int id) {
                        loads++;
                        return "product " + id;
                    }

                    @InvalidateCache("product")
                    public void rename(int id, String name) {
                    }
                }
                """);
    }

    @Test
    void aClassCompiledWithoutWeftsAspectsRunsUncached() throws Exception {
        Class<?> type = plainCatalog();
        Object catalog = type.getConstructor().newInstance();
        Method product = type.getMethod("product", int.class);
        product.invoke(catalog, 1);
        product.invoke(catalog, 1);
        assertThat(type.getField("loads").getInt(catalog)).as("the silent no-op this check exists for").isEqualTo(2);
    }

    @Test
    void aClassCompiledWithoutWeftsAspectsIsReportedByNameWithTheFix() throws Exception {
        Class<?> type = plainCatalog();
        assertThatThrownBy(() -> CachingServices.verifyWoven(type))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("plain.PlainCatalog was not woven with Weft's aspects: product(int), "
                        + "rename(int, String) run as plain Java")
                .hasMessageContaining("Fix the build: compile or weave these classes with ajc")
                .hasMessageContaining("aspectj-maven-plugin")
                .hasMessageContaining("an IDE must delegate its build to Maven");
    }

    @Test
    void wovenClassesPass() {
        assertThatCode(() -> CachingServices.verifyWoven(TransactionalCatalog.class, WeavingTest.Catalog.class,
                NoStaleWriteBackTest.Prices.class)).doesNotThrowAnyException();
    }

    @Test
    void aSubclassOfAnUnwovenClassIsReportedWithIt() throws Exception {
        plainCatalog();
        Class<?> child = compileWithJavac("Child", """
                package plain;

                public class Child extends PlainCatalog {
                }
                """);
        assertThatThrownBy(() -> CachingServices.verifyWoven(child)).hasMessageContaining("plain.PlainCatalog");
    }

    interface NamedRepository {
        @Cached
        String name(long id);
    }

    static class RepositoryWithoutTheAnnotation implements NamedRepository {
        @Override
        public String name(long id) {
            return "n" + id;
        }
    }

    static class RepositoryWithTheAnnotation implements NamedRepository {
        @Cached
        @Override
        public String name(long id) {
            return "n" + id;
        }
    }

    @Test
    void cachedOnAnInterfaceMethodWhoseImplementationLacksItIsReported() {
        assertThatThrownBy(() -> CachingServices.verifyWoven(RepositoryWithoutTheAnnotation.class))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining(NamedRepository.class.getName() + ".name(long) is @Cached, but its implementation "
                        + RepositoryWithoutTheAnnotation.class.getName() + ".name(long) is not")
                .hasMessageContaining("annotations on interface and abstract methods have no effect")
                .hasMessageContaining("Put the annotation on the implementing method");
    }

    @Test
    void anInterfaceMayRepeatTheAnnotationOfItsImplementation() {
        assertThatCode(() -> CachingServices.verifyWoven(RepositoryWithTheAnnotation.class))
                .doesNotThrowAnyException();
    }

    @Test
    void aRepositoryProxyOfAnAnnotatedInterfaceIsReported() {
        // what Spring Data makes of a repository interface: a JDK proxy, no method body to weave
        Object repository = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {NamedRepository.class},
                (proxy, method, args) -> "n" + args[0]);
        assertThatThrownBy(() -> CachingServices.verifyWoven(repository.getClass()))
                .hasMessageContaining(NamedRepository.class.getName() + ".name(long) is @Cached, but its implementation")
                .hasMessageContaining("for a Spring Data repository, on a method of a class that calls it");
    }

    @Test
    void anInterfaceCheckedAloneIsReported() {
        assertThatThrownBy(() -> CachingServices.verifyWoven(NamedRepository.class))
                .hasMessageContaining(NamedRepository.class.getName() + ".name(long) is @Cached but abstract");
    }
}
