package dev.weft.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of the documentation leads somewhere: README.md, CHANGELOG.md, docs/ (design pages included)
 * and every module's README. A link to a file or directory of the repository must find it; a link with an anchor into
 * a Markdown page must name one of its headings (as GitHub makes anchors of them) or an {@code <a id>} in it.
 * Links to other sites are not followed (the build has no network). A failure lists every dead link with its file
 * and line.
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of(System.getProperty("weft.repository.root", "..")).toAbsolutePath()
            .normalize();

    /** {@code [text](target)} and {@code ![alt](target)}; the target ends at the first space or closing bracket. */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [id]: target} on a line of its own. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+]:\\s+<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void everyRelativeLinkAndAnchorOfTheDocumentationExists() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).as("documents").hasSizeGreaterThan(10);
        List<String> dead = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents) {
            List<String> lines = Files.readAllLines(doc);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.trim().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                for (String target : linkTargets(line)) {
                    checked++;
                    String problem = check(doc, target);
                    if (problem != null) {
                        dead.add(ROOT.relativize(doc) + ":" + (i + 1) + ": " + target + " (" + problem + ")");
                    }
                }
            }
        }
        assertThat(dead).as("dead links").isEmpty();
        assertThat(checked).as("links checked").isGreaterThan(40);
    }

    @Test
    void anchorsAreMadeAsGitHubMakesThem() {
        assertThat(anchorOf("The race Weft closes: no stale write-back"))
                .isEqualTo("the-race-weft-closes-no-stale-write-back");
        assertThat(anchorOf("`@Cached`")).isEqualTo("cached");
        assertThat(anchorOf("Failure modes, and what Weft does")).isEqualTo("failure-modes-and-what-weft-does");
        assertThat(anchorOf("Diagnosis: where Weft's hit time goes")).isEqualTo("diagnosis-where-wefts-hit-time-goes");
        assertThat(anchorOf("1. The cost of a cache hit")).isEqualTo("1-the-cost-of-a-cache-hit");
        assertThat(anchorOf("Redis (`weft.invalidator.type=redis`)")).isEqualTo("redis-weftinvalidatortyperedis");
        assertThat(anchorOf("[Choosing keys](keys.md) and *more*")).isEqualTo("choosing-keys-and-more");
    }

    @Test
    void aDeadLinkAndAMissingAnchorAreFound() throws IOException {
        Path doc = ROOT.resolve("docs/getting-started.md");
        assertThat(check(doc, "no-such-page.md")).isEqualTo("no such file");
        assertThat(check(doc, "annotations.md#no-such-heading")).startsWith("no heading");
        assertThat(check(doc, "annotations.md#cached")).isNull();
        assertThat(check(doc, "#maven")).isNull();
        assertThat(check(doc, "https://example.com/anything")).isNull();
    }

    private static List<Path> documents() throws IOException {
        Set<Path> docs = new LinkedHashSet<>();
        docs.add(ROOT.resolve("README.md"));
        if (Files.exists(ROOT.resolve("CHANGELOG.md"))) {
            docs.add(ROOT.resolve("CHANGELOG.md"));
        }
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            files.filter(p -> p.getFileName().toString().equals("README.md"))
                    .filter(p -> !ROOT.relativize(p).toString().contains("target"))
                    .sorted().forEach(docs::add);
        }
        return new ArrayList<>(docs);
    }

    private static List<String> linkTargets(String line) {
        String text = line.replaceAll("`[^`]*`", "");   // code spans are not links
        List<String> targets = new ArrayList<>();
        Matcher m = INLINE_LINK.matcher(text);
        while (m.find()) {
            targets.add(m.group(1));
        }
        Matcher r = REFERENCE.matcher(text);
        if (r.matches()) {
            targets.add(r.group(1));
        }
        return targets;
    }

    /** Why {@code target}, linked from {@code doc}, is dead; {@code null} when it is not. */
    private String check(Path doc, String target) throws IOException {
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null; // another site: not followed
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc : doc.getParent().resolve(decode(path)).normalize();
        if (!file.startsWith(ROOT)) {
            return "outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty() || !file.toString().endsWith(".md")) {
            return null;
        }
        if (!anchorsOf(file).contains(anchor)) {
            return "no heading or <a id> with anchor #" + anchor + " in " + ROOT.relativize(file);
        }
        return null;
    }

    private static String decode(String path) {
        return java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private Set<String> anchorsOf(Path file) {
        return anchors.computeIfAbsent(file, f -> {
            try {
                Set<String> found = new LinkedHashSet<>();
                Map<String, Integer> seen = new HashMap<>();
                boolean fenced = false;
                for (String line : Files.readAllLines(f)) {
                    if (line.trim().startsWith("```")) {
                        fenced = !fenced;
                        continue;
                    }
                    if (fenced) {
                        continue;
                    }
                    Matcher h = HEADING.matcher(line);
                    if (h.matches()) {
                        String base = anchorOf(h.group(2));
                        int n = seen.merge(base, 1, Integer::sum) - 1;
                        found.add(n == 0 ? base : base + "-" + n);
                    }
                    Matcher a = HTML_ANCHOR.matcher(line);
                    while (a.find()) {
                        found.add(a.group(1));
                    }
                }
                return found;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The anchor GitHub gives a heading: its text as rendered (links keep their text, code and emphasis marks go),
     * lower-cased, without punctuation other than {@code -} and {@code _}, spaces turned into {@code -}.
     */
    static String anchorOf(String heading) {
        String text = heading
                .replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replace("*", "");
        return text.toLowerCase(Locale.ROOT).codePoints()
                .filter(c -> Character.isLetterOrDigit(c) || c == ' ' || c == '-' || c == '_')
                .map(c -> c == ' ' ? '-' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
