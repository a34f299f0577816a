package dev.weft.release;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens the bundle the release build wrote (release/target/central-bundle.zip) and checks it as the Central Publisher
 * Portal would, and a little more: what is published is the BOM and exactly the modules it manages; every POM has the
 * coordinates of its path, a name, description, URL, license, developers and SCM, no parent and no {@code ${...}}
 * left, and no snapshot dependency but the project's own; every jar comes with its sources and Javadoc jars and names
 * its module; every file has its checksums, and its signature when the build signed. Run by failsafe after the bundle
 * is written: {@code ./mvnw -Prelease -Dgpg.skip verify}.
 */
class CentralBundleIT {

    /** The module name each published jar declares (Automatic-Module-Name). */
    static final Map<String, String> MODULE_NAMES = Map.of(
            "weft-caching-aspects", "dev.weft.caching",
            "weft-backend-memory", "dev.weft.caching.memory",
            "weft-invalidator-redis", "dev.weft.caching.redis",
            "weft-backend-redis", "dev.weft.caching.redis.backend",
            "weft-invalidator-azure", "dev.weft.caching.azure",
            "weft-micrometer", "dev.weft.caching.micrometer",
            "weft-spring-boot-starter", "dev.weft.spring.boot");

    private static final String GROUP_PATH = "dev/weft/";

    private static ZipFile bundle;
    private static String version;
    private static boolean signed;
    /** artifactId to its POM, parsed. */
    private static final Map<String, Element> POMS = new TreeMap<>();

    @BeforeAll
    static void open() throws Exception {
        bundle = new ZipFile(System.getProperty("weft.release.bundle", "target/central-bundle.zip"));
        version = System.getProperty("weft.release.version");
        signed = Boolean.parseBoolean(System.getProperty("weft.release.signed", "false"));
        assertThat(version).as("weft.release.version").isNotBlank();
        for (String artifactId : components()) {
            POMS.put(artifactId, parse(read(file(artifactId, "", "pom"))));
        }
    }

    @AfterAll
    static void close() throws IOException {
        bundle.close();
    }

    @Test
    void theBundleHoldsTheBomAndExactlyTheModulesItManages() {
        Set<String> managed = new TreeSet<>();
        for (Element d : children(child(child(POMS.get("weft-bom"), "dependencyManagement"), "dependencies"),
                "dependency")) {
            assertThat(text(d, "groupId")).isEqualTo("dev.weft");
            assertThat(text(d, "version")).as("version of %s in the BOM", text(d, "artifactId")).isEqualTo(version);
            managed.add(text(d, "artifactId"));
        }
        assertThat(managed).as("the BOM's modules").containsExactlyInAnyOrderElementsOf(MODULE_NAMES.keySet());
        Set<String> expected = new TreeSet<>(managed);
        expected.add("weft-bom");
        assertThat(components()).as("components in the bundle").containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyPomCarriesWhatCentralRequires() throws IOException {
        Element reference = POMS.get("weft-bom");
        for (Map.Entry<String, Element> e : POMS.entrySet()) {
            String artifactId = e.getKey();
            Element pom = e.getValue();
            String where = artifactId + "'s POM";
            String raw = new String(read(file(artifactId, "", "pom")), StandardCharsets.UTF_8);
            assertThat(raw).as(where + ": no property left to resolve").doesNotContain("${");
            assertThat(child(pom, "parent")).as(where + ": no parent (flattened)").isNull();
            assertThat(child(pom, "properties")).as(where + ": no properties (flattened)").isNull();
            assertThat(child(pom, "build")).as(where + ": no build section").isNull();
            assertThat(child(pom, "repositories")).as(where + ": no repositories").isNull();
            assertThat(text(pom, "groupId")).as(where).isEqualTo("dev.weft");
            assertThat(text(pom, "artifactId")).as(where).isEqualTo(artifactId);
            assertThat(text(pom, "version")).as(where).isEqualTo(version);
            assertThat(text(pom, "name")).as(where + ": name").isNotBlank();
            assertThat(text(pom, "description")).as(where + ": description").isNotBlank();
            assertThat(text(pom, "url")).as(where + ": url").startsWith("https://");

            List<Element> licenses = children(child(pom, "licenses"), "license");
            assertThat(licenses).as(where + ": licenses").isNotEmpty();
            for (Element l : licenses) {
                assertThat(text(l, "name")).as(where + ": license name").isNotBlank();
                assertThat(text(l, "url")).as(where + ": license url").startsWith("https://");
            }
            List<Element> developers = children(child(pom, "developers"), "developer");
            assertThat(developers).as(where + ": developers").isNotEmpty();
            for (Element d : developers) {
                assertThat(text(d, "name")).as(where + ": developer name").isNotBlank();
            }
            Element scm = child(pom, "scm");
            assertThat(scm).as(where + ": scm").isNotNull();
            assertThat(text(scm, "url")).as(where + ": scm url").startsWith("https://");
            assertThat(text(scm, "connection")).as(where + ": scm connection").startsWith("scm:");
            assertThat(text(scm, "developerConnection")).as(where + ": scm developerConnection").startsWith("scm:");

            // one project: the BOM (which has no parent) says what the parent says
            assertThat(text(pom, "url")).as(where + ": url, as the BOM's").isEqualTo(text(reference, "url"));
            assertThat(describe(child(pom, "licenses"))).as(where + ": licenses, as the BOM's")
                    .isEqualTo(describe(child(reference, "licenses")));
            assertThat(describe(child(pom, "developers"))).as(where + ": developers, as the BOM's")
                    .isEqualTo(describe(child(reference, "developers")));
            assertThat(describe(scm)).as(where + ": scm, as the BOM's").isEqualTo(describe(child(reference, "scm")));
        }
    }

    @Test
    void noDependencyIsASnapshotButTheProjectsOwnModules() {
        for (Map.Entry<String, Element> e : POMS.entrySet()) {
            for (Element d : children(child(e.getValue(), "dependencies"), "dependency")) {
                String coordinates = text(d, "groupId") + ":" + text(d, "artifactId");
                String dependencyVersion = text(d, "version");
                assertThat(dependencyVersion).as(e.getKey() + " -> " + coordinates + ": an explicit version")
                        .isNotBlank();
                if (dependencyVersion.endsWith("-SNAPSHOT")) {
                    assertThat(text(d, "groupId")).as(e.getKey() + " -> " + coordinates + " " + dependencyVersion
                            + ": a snapshot dependency").isEqualTo("dev.weft");
                    assertThat(dependencyVersion).isEqualTo(version);
                }
                assertThat(text(d, "scope")).as(e.getKey() + " -> " + coordinates + ": no test dependency published")
                        .isNotEqualTo("test");
            }
        }
    }

    @Test
    void everyJarComesWithItsSourcesAndJavadoc() throws IOException {
        for (String artifactId : MODULE_NAMES.keySet()) {
            assertThat(text(POMS.get(artifactId), "packaging")).as(artifactId + " packaging").isIn(null, "jar");
            Set<String> classes = entries(file(artifactId, "", "jar")).stream()
                    .filter(n -> n.endsWith(".class") && !n.contains("$")).collect(Collectors.toSet());
            Set<String> sources = entries(file(artifactId, "-sources", "jar"));
            Set<String> javadoc = entries(file(artifactId, "-javadoc", "jar"));
            assertThat(classes).as(artifactId + " classes").isNotEmpty();
            for (String c : classes) {
                String java = c.replace(".class", ".java");
                String aspect = c.replace(".class", ".aj");
                assertThat(sources.contains(java) || sources.contains(aspect))
                        .as(artifactId + "-sources.jar has the source of " + c).isTrue();
            }
            assertThat(javadoc).as(artifactId + "-javadoc.jar").contains("index.html");
            assertThat(javadoc).as(artifactId + "-javadoc.jar: internal packages are not documented")
                    .noneMatch(n -> n.contains("/internal/"));
        }
        // javadoc lays the pages out by module (dev.weft.caching/dev/weft/caching/...), as the jar names one
        Set<String> core = entries(file("weft-caching-aspects", "-javadoc", "jar"));
        for (String page : List.of("dev/weft/caching/CachingServices.html", "dev/weft/caching/CachedMethodInfo.html",
                "dev/weft/caching/backend/CachingBackend.html")) {
            assertThat(core).as("weft-caching-aspects-javadoc.jar").anyMatch(n -> n.endsWith(page));
        }
    }

    @Test
    void everyJarNamesItsModuleAndNoPackageIsSplitBetweenThem() throws IOException {
        Path dir = Files.createTempDirectory("weft-module-path");
        Map<String, String> ownerOfPackage = new HashMap<>();
        for (Map.Entry<String, String> m : MODULE_NAMES.entrySet()) {
            byte[] jar = read(file(m.getKey(), "", "jar"));
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
                Manifest manifest = in.getManifest();
                assertThat(manifest).as(m.getKey() + " manifest").isNotNull();
                assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name")).as(m.getKey())
                        .isEqualTo(m.getValue());
            }
            Files.write(dir.resolve(m.getKey() + ".jar"), jar);
        }
        for (ModuleReference ref : ModuleFinder.of(dir).findAll()) {
            ModuleDescriptor descriptor = ref.descriptor();
            assertThat(descriptor.isAutomatic()).isTrue();
            for (String p : descriptor.packages()) {
                String other = ownerOfPackage.putIfAbsent(p, descriptor.name());
                assertThat(other).as("package " + p + " is in " + descriptor.name() + " and " + other).isNull();
            }
        }
        assertThat(ModuleFinder.of(dir).findAll()).extracting(r -> r.descriptor().name())
                .containsExactlyInAnyOrderElementsOf(MODULE_NAMES.values());
    }

    @Test
    void theModulesResolveOnTheModulePathWithTheirDependencies() {
        // this test's class path holds the published modules and everything they depend on at run time (and the
        // test tools, left out below)
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !entry.contains("junit")
                    && !entry.contains("assertj") && !entry.contains("opentest4j") && !entry.contains("apiguardian")
                    && !entry.contains("surefire") && !entry.contains("failsafe")
                    && !entry.contains("aspectjtools")) {   // the weaver, for ModulePathIT: not a dependency
                    // of any published module, and it repeats aspectjrt's packages
                jars.add(p);
            }
        }
        ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
        Configuration resolved = Configuration.resolve(finder, List.of(java.lang.ModuleLayer.boot().configuration()),
                ModuleFinder.of(), Set.copyOf(MODULE_NAMES.values()));
        assertThat(resolved.modules()).extracting(m -> m.name()).containsAll(MODULE_NAMES.values());
    }

    @Test
    void everyFileHasItsChecksumsAndASignatureWhenTheBuildSigned() throws IOException {
        List<String> artifacts = names().stream()
                .filter(n -> !n.endsWith(".md5") && !n.endsWith(".sha1"))
                .toList();
        assertThat(artifacts).isNotEmpty();
        for (String name : artifacts) {
            byte[] content = read(entry(name));
            for (String algorithm : CentralBundle.CHECKSUMS) {
                ZipEntry checksum = bundle.getEntry(name + "." + algorithm);
                assertThat(checksum).as(name + "." + algorithm).isNotNull();
                assertThat(new String(read(checksum), StandardCharsets.US_ASCII)).as(name + "." + algorithm)
                        .isEqualTo(new String(CentralBundle.hex(algorithm, content), StandardCharsets.US_ASCII));
            }
            if (!name.endsWith(".asc")) {
                assertThat(bundle.getEntry(name + ".asc") != null)
                        .as(name + ".asc present" + (signed ? "" : " although the build did not sign"))
                        .isEqualTo(signed);
            }
        }
    }

    @Test
    void entriesCarryTheBuildsOutputTimestamp() throws IOException {
        // project.build.outputTimestamp: the same sources give the same bytes, whenever they are built
        Instant outputTimestamp = Instant.parse(System.getProperty("weft.release.outputTimestamp"));
        for (Enumeration<? extends ZipEntry> e = bundle.entries(); e.hasMoreElements(); ) {
            ZipEntry entry = e.nextElement();
            assertThat(entry.getLastModifiedTime().toInstant()).as(entry.getName()).isEqualTo(outputTimestamp);
        }
        for (String artifactId : MODULE_NAMES.keySet()) {
            Set<Long> times = new TreeSet<>();
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(read(file(artifactId, "", "jar"))))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    times.add(e.getTime());
                }
            }
            assertThat(times).as(artifactId + ".jar: one time for every entry, not the build's clock").hasSize(1);
        }
    }

    // ---- reading the bundle ---------------------------------------------------------------------------------------

    private static Set<String> components() {
        Set<String> artifactIds = new TreeSet<>();
        for (String name : names()) {
            assertThat(name).as("every entry is under " + GROUP_PATH).startsWith(GROUP_PATH);
            String[] parts = name.substring(GROUP_PATH.length()).split("/");
            assertThat(parts).as(name + ": <artifactId>/<version>/<file>").hasSize(3);
            assertThat(parts[1]).as(name + ": the version directory").isEqualTo(version);
            assertThat(parts[2]).as(name + ": file name").startsWith(parts[0] + "-" + version);
            artifactIds.add(parts[0]);
        }
        return artifactIds;
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> e = bundle.entries(); e.hasMoreElements(); ) {
            ZipEntry entry = e.nextElement();
            if (!entry.isDirectory()) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    private static ZipEntry file(String artifactId, String classifier, String extension) {
        return entry(GROUP_PATH + artifactId + "/" + version + "/" + artifactId + "-" + version + classifier + "."
                + extension);
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = bundle.getEntry(name);
        assertThat(entry).as(name + " in the bundle").isNotNull();
        return entry;
    }

    private static byte[] read(ZipEntry entry) throws IOException {
        try (InputStream in = bundle.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static Set<String> entries(ZipEntry jar) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(read(jar)))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    private static Element parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        return doc.getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    /** An element's text content, whitespace normalized: to compare two POMs' sections. */
    private static String describe(Element e) {
        return e == null ? null : e.getTextContent().trim().replaceAll("\\s+", " ");
    }
}
