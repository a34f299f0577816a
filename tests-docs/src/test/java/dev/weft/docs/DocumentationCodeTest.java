package dev.weft.docs;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java code block of README.md and docs/*.md compiles: each of its lines (placeholders written {@code ...}
 * and comments aside) appears, in the same order, in one snippet source of this module, which the build compiles
 * and weaves. And the Maven set-up of docs/getting-started.md is, line for line, the set-up of the new-user project
 * that tests-new-user builds. A failure names the document, the block and the first line not found.
 */
class DocumentationCodeTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);

    private static final Path ROOT = Path.of(System.getProperty("weft.repository.root", "..")).toAbsolutePath()
            .normalize();

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheDocumentationIsInACompiledSnippet() throws IOException {
        Map<Path, List<String>> snippets = snippetSources();
        assertThat(snippets).isNotEmpty();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = JAVA_BLOCK.matcher(Files.readString(doc));
            int block = 0;
            while (m.find()) {
                block++;
                List<String> lines = significantJavaLines(m.group(1));
                String name = ROOT.relativize(doc) + ", Java block " + block;
                tests.add(DynamicTest.dynamicTest(name, () -> assertFoundInOneSnippet(name, lines, snippets)));
            }
        }
        assertThat(tests).as("Java blocks found in the documentation").hasSizeGreaterThan(10);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> theMavenSetUpOfGettingStartedIsTheNewUserProjects() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/getting-started.md"));
        List<String> fixture = normalizeXml(Files.readString(
                ROOT.resolve("tests-new-user/src/it/first-cached-method/pom.xml")));
        Matcher m = XML_BLOCK.matcher(guide);
        assertThat(m.find()).as("a Maven block in getting-started.md").isTrue();
        List<String> lines = normalizeXml(m.group(1)).stream()
                .filter(l -> !l.contains("0.1.0-SNAPSHOT"))
                .collect(Collectors.toList());
        return Stream.of(DynamicTest.dynamicTest("docs/getting-started.md, Maven block",
                () -> assertSubsequence("docs/getting-started.md, Maven block", lines, fixture,
                        "tests-new-user/src/it/first-cached-method/pom.xml")));
    }

    @TestFactory
    Stream<DynamicTest> theJavacThenAjcRecipeOfGettingStartedIsTheLombokProjects() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/getting-started.md"));
        String fixturePath = "tests-new-user/src/it/lombok-javac-then-ajc/pom.xml";
        List<String> fixture = normalizeXml(Files.readString(ROOT.resolve(fixturePath)));
        Matcher m = XML_BLOCK.matcher(guide);
        String recipe = null;
        while (m.find()) {
            if (m.group(1).contains("<weaveDirectories>")) {
                recipe = m.group(1);
            }
        }
        assertThat(recipe).as("the javac-then-ajc block in getting-started.md").isNotNull();
        List<String> lines = normalizeXml(recipe);
        return Stream.of(DynamicTest.dynamicTest("docs/getting-started.md, javac-then-ajc block",
                () -> assertSubsequence("docs/getting-started.md, javac-then-ajc block", lines, fixture,
                        fixturePath)));
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static Map<Path, List<String>> snippetSources() throws IOException {
        Path sources = ROOT.resolve("tests-docs/src/test/java");
        Map<Path, List<String>> snippets = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
                try {
                    snippets.put(sources.relativize(p), significantJavaLines(Files.readString(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return snippets;
    }

    /** Lines without comments, placeholders, blank lines and runs of spaces. */
    static List<String> significantJavaLines(String code) {
        List<String> lines = new ArrayList<>();
        for (String raw : code.split("\n")) {
            String line = raw.replaceAll("\\s+//.*$", "").trim().replaceAll("\\s+", " ");
            if (line.isEmpty() || line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")
                    || line.contains("...")) {
                continue;
            }
            lines.add(line);
        }
        return lines;
    }

    private static List<String> normalizeXml(String xml) {
        List<String> lines = new ArrayList<>();
        for (String raw : xml.replaceAll("(?s)<!--.*?-->", "").split("\n")) {
            String line = raw.trim().replaceAll("\\s+", " ");
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static void assertFoundInOneSnippet(String block, List<String> lines, Map<Path, List<String>> snippets) {
        String bestMissing = null;
        int bestMatched = -1;
        Path bestFile = null;
        for (Map.Entry<Path, List<String>> s : snippets.entrySet()) {
            int matched = matchedPrefix(lines, s.getValue());
            if (matched == lines.size()) {
                return;
            }
            if (matched > bestMatched) {
                bestMatched = matched;
                bestMissing = lines.get(matched);
                bestFile = s.getKey();
            }
        }
        throw new AssertionError(block + ": not found in any snippet source under tests-docs/src/test/java; the "
                + "closest, " + bestFile + ", lacks (in order) the line: " + bestMissing);
    }

    private static void assertSubsequence(String what, List<String> lines, List<String> in, String inName) {
        int matched = matchedPrefix(lines, in);
        if (matched < lines.size()) {
            throw new AssertionError(what + ": " + inName + " lacks (in order) the line: " + lines.get(matched));
        }
    }

    /** How many of {@code lines}, from the first, appear in order in {@code source}. */
    private static int matchedPrefix(List<String> lines, List<String> source) {
        int i = 0;
        for (String s : source) {
            if (i < lines.size() && s.equals(lines.get(i))) {
                i++;
            }
        }
        return i;
    }
}
