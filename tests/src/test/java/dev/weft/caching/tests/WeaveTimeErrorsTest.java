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
import java.util.ArrayList;
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
        return compile(className, source, IMessage.ERROR).stream()
                .filter(m -> m.getKind() == IMessage.ERROR).map(IMessage::getMessage).collect(Collectors.toList());
    }

    /** Weft's warnings (the weaver's own lint warnings aside). */
    private List<String> compileWarnings(String className, String source) throws IOException {
        return compile(className, source, IMessage.WARNING).stream()
                .filter(m -> m.getKind() == IMessage.WARNING && m.getMessage().startsWith("Weft:"))
                .map(IMessage::getMessage).collect(Collectors.toList());
    }

    private List<IMessage> compile(String className, String source, IMessage.Kind atLeast, Path... more)
            throws IOException {
        Path file = dir.resolve(className + ".java");
        Files.writeString(file, "package bad;\n\nimport dev.weft.caching.*;\n\n" + source);
        String aspectPath = new File(UsageChecks.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getPath();
        MessageHandler messages = new MessageHandler();
        List<String> args = new ArrayList<>(List.of("-17", "-parameters", "-proceedOnError",
                "-aspectpath", aspectPath,
                "-classpath", System.getProperty("java.class.path"),
                "-d", dir.resolve("classes").toString(),
                file.toString()));
        Arrays.stream(more).map(Path::toString).forEach(args::add);
        new Main().run(args.toArray(new String[0]), messages);
        return Arrays.asList(messages.getMessages(atLeast, true));
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

    @Test
    void cachedOnAKotlinSuspendFunctionIsAWeaveTimeError() throws IOException {
        // what kotlinc makes of `@Cached suspend fun name(id: Long): String`, with a stand-in for Kotlin's type
        Path continuation = dir.resolve("Continuation.java");
        Files.writeString(continuation, "package kotlin.coroutines;\n\npublic interface Continuation<T> {\n}\n");
        List<String> errors = compile("Suspending", """
                public class Suspending {
                    @Cached
                    public Object name(long id, kotlin.coroutines.Continuation<? super String> continuation) {
                        return "x";
                    }
                }
                """, IMessage.ERROR, continuation).stream()
                .filter(m -> m.getKind() == IMessage.ERROR).map(IMessage::getMessage).collect(Collectors.toList());
        assertThat(errors).singleElement().asString()
                .contains("Weft: @Cached cannot be used on a Kotlin suspend function")
                .contains("CompletableFuture");
    }

    // ---- annotations that would do nothing (issue 15): reported where woven code calls the method ----------------

    @Test
    void cachedOnAnInterfaceMethodIsAWarningWhereItIsCalled() throws IOException {
        List<String> warnings = compileWarnings("ProductRepository", """
                public interface ProductRepository {
                    @Cached
                    String findName(long id);
                }

                class ProductPage {
                    String title(ProductRepository repository) {
                        return repository.findName(42);
                    }
                }
                """);
        assertThat(warnings).singleElement().asString()
                .contains("Weft: @Cached on an interface or abstract method has no effect")
                .contains("Put @Cached on the implementing method");
    }

    @Test
    void cachedOnAnAbstractMethodIsAWarningWhereItIsCalled() throws IOException {
        List<String> warnings = compileWarnings("AbstractCatalog", """
                public abstract class AbstractCatalog {
                    @Cached
                    protected abstract String load(long id);

                    public String show(long id) {
                        return load(id);
                    }
                }
                """);
        assertThat(warnings).singleElement().asString()
                .contains("Weft: @Cached on an interface or abstract method has no effect");
    }

    @Test
    void invalidateCacheOnAnInterfaceMethodIsAWarningWhereItIsCalled() throws IOException {
        List<String> warnings = compileWarnings("Writer", """
                public interface Writer {
                    @InvalidateCache("findName")
                    void rename(long id, String name);

                    static void renameAll(Writer w) {
                        w.rename(1, "x");
                    }
                }
                """);
        assertThat(warnings).singleElement().asString()
                .contains("Weft: @InvalidateCache on an interface or abstract method has no effect");
    }

    @Test
    void callingAWovenCachedMethodIsNotWarnedAbout() throws IOException {
        List<String> warnings = compileWarnings("Fine", """
                public class Fine {
                    @Cached
                    public String get(int id) {
                        return "x" + id;
                    }

                    public String twice(int id) {
                        return get(id) + get(id);
                    }
                }
                """);
        assertThat(warnings).isEmpty();
    }
}
