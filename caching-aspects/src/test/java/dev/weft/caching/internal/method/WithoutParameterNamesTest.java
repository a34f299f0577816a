package dev.weft.caching.internal.method;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachingRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @InvalidateCache} on a class compiled without {@code -parameters} (and not woven, so ajc recorded no names
 * either): matching cached methods and placeholders needs names, literal dependencies do not. The class is compiled
 * here, by the JDK's compiler, without the flag the build passes to every class.
 */
class WithoutParameterNamesTest {

    private static final String SOURCE = """
            package nonames;

            import dev.weft.caching.InvalidateCache;

            public class Orders {
                @InvalidateCache("find")
                public void byName(int id) {
                }

                @InvalidateCache(value = {}, dependencies = "order:{id}")
                public void byPlaceholder(int id) {
                }

                @InvalidateCache(value = {}, dependencies = {"all-orders", "{{literal}}"})
                public void literal(int id) {
                }
            }
            """;

    @TempDir
    static Path dir;
    static Class<?> orders;

    final ScriptedBackend backend = new ScriptedBackend();
    private CachingBackend previous;

    @BeforeAll
    static void compileWithoutParameterNames() throws Exception {
        Path source = dir.resolve("nonames/Orders.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classPath = System.getProperty("java.class.path") + File.pathSeparator
                + Path.of(dev.weft.caching.InvalidateCache.class.getProtectionDomain().getCodeSource().getLocation()
                        .toURI());
        int status = javac.run(null, null, null, "-proc:none", "-cp", classPath, "-d", dir.toString(),
                source.toString());
        assertThat(status).as("javac").isZero();
        orders = new URLClassLoader(new URL[] {dir.toUri().toURL()}, WithoutParameterNamesTest.class.getClassLoader())
                .loadClass("nonames.Orders");
    }

    @BeforeEach
    void useScriptedBackend() {
        previous = CachingRuntime.setBackend(backend);
    }

    @AfterEach
    void restoreBackend() {
        if (previous != null) {
            CachingRuntime.setBackend(previous);
        } else {
            CachingRuntime.resetBackend(backend);
        }
    }

    private static Method method(String name) throws NoSuchMethodException {
        Method m = orders.getMethod(name, int.class);
        assertThat(m.getParameters()[0].isNamePresent()).as("compiled without names").isFalse();
        return m;
    }

    @Test
    void namingACachedMethodNeedsParameterNames() {
        assertThatThrownBy(() -> new InvalidatingMethod(method("byName"), null))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessage("nonames.Orders.byName(int): @InvalidateCache matches parameters by name; compile "
                        + "nonames.Orders with -parameters");
    }

    @Test
    void aDependencyPlaceholderNeedsParameterNames() {
        assertThatThrownBy(() -> new InvalidatingMethod(method("byPlaceholder"), null))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessage("nonames.Orders.byPlaceholder(int): @InvalidateCache matches parameters by name; compile "
                        + "nonames.Orders with -parameters");
    }

    @Test
    void literalDependenciesDoNot() throws Exception {
        InvalidatingMethod literal = new InvalidatingMethod(method("literal"), null);
        literal.invalidate(null, new Object[] {1}, null);
        assertThat(backend.dependenciesInvalidated).containsExactly("all-orders", "{literal}");
    }
}
