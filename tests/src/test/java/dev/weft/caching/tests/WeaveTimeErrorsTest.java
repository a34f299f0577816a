package dev.weft.caching.tests;

import dev.weft.caching.internal.aspects.UsageChecks;
import org.aspectj.bridge.IMessage;
import org.aspectj.bridge.MessageHandler;
import org.aspectj.tools.ajc.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN invariant 2: misuse the weaver can see fails the user's build. Each test compiles a small class with ajc
 * and weft-caching-aspects on the aspect path, exactly as aspectj-maven-plugin does, and reads the errors.
 */
class WeaveTimeErrorsTest {

    @TempDir
    Path dir;

    private List<String> compileErrors(String className, String source) throws IOException {
        Path file = dir.resolve(className + ".java");
        Files.writeString(file, "package bad;\n\nimport dev.weft.caching.*;\n\n" + source);
        String aspectPath = new File(UsageChecks.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getPath();
        MessageHandler messages = new MessageHandler();
        new Main().run(new String[] {
                "-17", "-parameters", "-proceedOnError",
                "-aspectpath", aspectPath,
                "-classpath", System.getProperty("java.class.path"),
                "-d", dir.resolve("classes").toString(),
                file.toString()
        }, messages);
        return Arrays.stream(messages.getMessages(IMessage.ERROR, true))
                .map(IMessage::getMessage)
                .collect(Collectors.toList());
    }

    @Test
    void cachedOnAVoidMethodIsAWeaveTimeError() throws IOException {
        List<String> errors = compileErrors("VoidCached", """
                public class VoidCached {
                    @Cached
                    public void warmUp(int id) {
                    }
                }
                """);
        assertThat(errors).singleElement().asString()
                .contains("Weft: @Cached cannot be used on a void method");
    }

    @Test
    void cachedOnAConstructorIsACompileError() throws IOException {
        List<String> errors = compileErrors("ConstructorCached", """
                public class ConstructorCached {
                    @Cached
                    public ConstructorCached() {
                    }
                }
                """);
        assertThat(errors).singleElement().asString()
                .contains("@Cached")
                .contains("disallowed for this location");
    }

    @Test
    void invalidateCacheWithoutMethodNamesIsACompileError() throws IOException {
        List<String> errors = compileErrors("NoNames", """
                public class NoNames {
                    @InvalidateCache
                    public void update(int id) {
                    }
                }
                """);
        assertThat(errors).singleElement().asString().contains("value");
    }

    @Test
    void aMethodBothCachedAndInvalidatingIsAWeaveTimeError() throws IOException {
        List<String> errors = compileErrors("Both", """
                public class Both {
                    @Cached
                    @InvalidateCache("get")
                    public String get(int id) {
                        return "x";
                    }
                }
                """);
        assertThat(errors).singleElement().asString().contains("Weft: a method cannot be both @Cached and @InvalidateCache");
    }

    @Test
    void aCorrectClassCompilesWithoutErrors() throws IOException {
        List<String> errors = compileErrors("Good", """
                public class Good {
                    @Cached
                    public String get(int id) {
                        return "x" + id;
                    }

                    @InvalidateCache("get")
                    public void update(int id) {
                    }
                }
                """);
        assertThat(errors).isEmpty();
    }
}
