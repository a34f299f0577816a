package dev.weft.spring.boot;

import dev.weft.caching.Cached;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.weft.spring.boot.WeftContextRunner.analysis;
import static dev.weft.spring.boot.WeftContextRunner.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code weft.weaving-check}: a bean whose {@code @Cached} methods would run uncached is reported at start-up by
 * name, with the fix. The unwoven bean class is compiled here by plain javac, as an IDE build would; this module's
 * other test classes are woven by ajc and pass.
 */
@ExtendWith(OutputCaptureExtension.class)
class WeavingCheckTest {

    @TempDir
    Path dir;

    /** A service compiled by javac alone. */
    private Class<?> unwovenService() throws Exception {
        Path file = dir.resolve("src/plain/PriceService.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package plain;

                import dev.weft.caching.Cached;

                public class PriceService {
                    @Cached
                    public long price(String sku) {
                        return sku.length();
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "--release", "17", "-parameters",
                "-classpath", System.getProperty("java.class.path") + File.pathSeparator + classes,
                "-d", classes.toString(), file.toString());
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass("plain.PriceService");
    }

    @Test
    void anUnwovenBeanFailsTheStartNamingItsClassAndTheFix() throws Exception {
        Class<?> service = unwovenService();
        runner().withBean(service).run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription())
                    .contains("plain.PriceService was not woven with Weft's aspects: price(String) runs as plain Java")
                    .contains("aspectj-maven-plugin")
                    .contains("set weft.weaving-check=warn");
        });
    }

    @Test
    void withWarnTheApplicationStartsAndTheLogNamesTheClass(CapturedOutput output) throws Exception {
        Class<?> service = unwovenService();
        runner().withBean(service).withPropertyValues("weft.weaving-check=warn").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll()).contains("plain.PriceService was not woven with Weft's aspects")
                    .contains("weft.weaving-check=warn: starting anyway");
        });
    }

    @Test
    void offSkipsTheCheck() throws Exception {
        Class<?> service = unwovenService();
        runner().withBean(service).withPropertyValues("weft.weaving-check=off")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void wovenBeansPass() {
        runner().withBean(WovenService.class).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aRepositoryInterfaceWithCachedFailsTheStart() {
        runner().withUserConfiguration(Repositories.class).run(context -> assertThat(analysis(context)
                .getDescription())
                .contains(ProductRepository.class.getName() + ".findName(long) is @Cached but abstract")
                .contains("for a Spring Data repository, on a method of a class that calls it"));
    }

    static class WovenService {
        @Cached
        public long price(String sku) {
            return sku.length();
        }
    }

    /** As a Spring Data repository: an interface whose bean is a JDK proxy made by a factory bean. */
    interface ProductRepository {
        @Cached
        String findName(long id);
    }

    @Configuration(proxyBeanMethods = false)
    static class Repositories {
        @Bean
        FactoryBean<ProductRepository> productRepository() {
            return new FactoryBean<>() {
                @Override
                public ProductRepository getObject() {
                    return (ProductRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {ProductRepository.class}, (proxy, method, args) -> "n" + args[0]);
                }

                @Override
                public Class<?> getObjectType() {
                    return ProductRepository.class;
                }
            };
        }
    }
}
