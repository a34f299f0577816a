package dev.weft.release;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/getting-started.md's module path section, followed as a modular application would: a named module that
 * requires {@code dev.weft.caching}, {@code dev.weft.caching.memory} and {@code org.aspectj.runtime} and opens its
 * package to {@code dev.weft.caching}, woven by ajc (1.9.27) against the published jars on the module path, then run
 * with {@code java --module-path ... --add-modules org.slf4j,com.github.benmanes.caffeine -m ...}: hits, an
 * {@code @InvalidateCache}, a record argument and the default memory backend found through {@code ServiceLoader}.
 */
class ModulePathIT {

    private static final String MODULE_INFO = """
            module com.acme.shop {
                requires dev.weft.caching;
                requires dev.weft.caching.memory;
                requires org.aspectj.runtime;
                opens com.acme.shop.catalog to dev.weft.caching;
            }
            """;

    private static final String CATALOG = """
            package com.acme.shop.catalog;

            import dev.weft.caching.Cached;
            import dev.weft.caching.CachingServices;
            import dev.weft.caching.InvalidateCache;

            import java.util.concurrent.atomic.AtomicInteger;

            public class Catalog {
                record Query(String text, int page) {
                }

                private final AtomicInteger loads = new AtomicInteger();

                @Cached
                String product(long id) {
                    loads.incrementAndGet();
                    return "p" + id;
                }

                @Cached
                String search(Query query) {
                    loads.incrementAndGet();
                    return query.text() + "#" + query.page();
                }

                @InvalidateCache("product")
                void rename(long id) {
                }

                public static void main(String[] args) {
                    Catalog catalog = new Catalog();
                    catalog.product(1);
                    catalog.product(1);
                    catalog.search(new Query("tea", 2));
                    catalog.search(new Query("tea", 2));
                    catalog.rename(1);
                    catalog.product(1);
                    System.out.println("loads=" + catalog.loads.get());
                    System.out.println("backend=" + CachingServices.getDefaultBackend().getClass().getName());
                    System.out.println("module=" + Catalog.class.getModule().getName());
                }
            }
            """;

    @Test
    void aWovenNamedModuleRunsOnTheModulePath(@TempDir Path dir) throws Exception {
        Path modules = Files.createDirectories(dir.resolve("modules"));
        Path aspects = Files.createDirectories(dir.resolve("aspects"));
        Path aspectjtools = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            String name = jar.getFileName().toString();
            if (name.startsWith("aspectjtools")) {
                aspectjtools = jar;
            } else if (name.endsWith(".jar") && (name.startsWith("weft-caching-aspects")
                    || name.startsWith("weft-backend-memory") || name.startsWith("aspectjrt")
                    || name.startsWith("slf4j-") || name.startsWith("caffeine") || name.startsWith("jspecify")
                    || name.startsWith("error_prone_annotations"))) {
                Files.copy(jar, modules.resolve(name));
                if (name.startsWith("weft-caching-aspects")) {
                    // ajc puts -aspectpath entries on its class path: the same jar there and on the module path
                    // would keep it from resolving dev.weft.caching as a module, so the aspect path gets a copy
                    Files.copy(jar, aspects.resolve(name));
                }
            }
        }
        assertThat(aspectjtools).as("aspectjtools on the test class path").isNotNull();
        assertThat(Files.list(aspects).count()).as("weft-caching-aspects on the test class path").isEqualTo(1);

        Path src = dir.resolve("src");
        Path catalog = src.resolve("com/acme/shop/catalog/Catalog.java");
        Files.createDirectories(catalog.getParent());
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(catalog, CATALOG);
        Path out = dir.resolve("out");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Run ajc = run(dir, java, "-cp", aspectjtools.toString(), "org.aspectj.tools.ajc.Main",
                "-17", "-parameters", "-Xlint:ignore",
                "--module-path", modules.toString(),
                "-aspectpath", Files.list(aspects).findFirst().orElseThrow().toString(),
                "-d", out.toString(),
                src.resolve("module-info.java").toString(), catalog.toString());
        assertThat(ajc.exit).as("ajc:\n" + ajc.output).isZero();

        Run app = run(dir, java, "--module-path", out + File.pathSeparator + modules,
                "--add-modules", "org.slf4j,com.github.benmanes.caffeine",
                "-m", "com.acme.shop/com.acme.shop.catalog.Catalog");
        assertThat(app.exit).as("the application:\n" + app.output).isZero();
        assertThat(app.output)
                .as("product(1) twice, search twice, rename(1), product(1): three loads")
                .contains("loads=3")
                .contains("backend=dev.weft.caching.memory.MemoryCachingBackend")
                .contains("module=com.acme.shop");
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
