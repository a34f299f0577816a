package dev.weft.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Weft's modules as the reactor lists them (the root pom's {@code <modules>}, recursively), with their compiled
 * classes. A class belongs to the module whose {@code target/classes} (main code) or {@code target/test-classes}
 * (tests) it was read from: the build's own answer, not a guess from package names, which several modules share.
 */
final class Modules {

    /** One module: its directory relative to the repository root, e.g. {@code samples/quickstart}. */
    record Module(String name, Path directory) {
        Path mainClasses() {
            return directory.resolve("target/classes");
        }

        Path testClasses() {
            return directory.resolve("target/test-classes");
        }

        boolean hasMainCode() {
            return Files.isDirectory(directory.resolve("src/main/java"))
                    || Files.isDirectory(directory.resolve("src/main/aspect"));
        }

        boolean hasTestCode() {
            return Files.isDirectory(directory.resolve("src/test/java"));
        }
    }

    /** Where a class was read from. */
    record Location(Module module, boolean test) {
        @Override
        public String toString() {
            return module.name() + (test ? " (tests)" : "");
        }
    }

    static final Path ROOT = Path.of(System.getProperty("weft.repository.root", "..")).toAbsolutePath().normalize();

    private final List<Module> modules;
    private final JavaClasses classes;

    private Modules(List<Module> modules, JavaClasses classes) {
        this.modules = modules;
        this.classes = classes;
    }

    /**
     * Reads the reactor and every module's classes.
     *
     * @throws AssertionError when a module with code has not been compiled: the rules would silently pass over it
     */
    static Modules load() {
        List<Module> modules = new ArrayList<>();
        collect(ROOT, modules);
        List<Path> paths = new ArrayList<>();
        for (Module m : modules) {
            if (m.name().equals("tests-architecture")) {
                continue;
            }
            if (m.hasMainCode()) {
                paths.add(existing(m.mainClasses(), m));
            }
            if (m.hasTestCode()) {
                paths.add(existing(m.testClasses(), m));
            }
        }
        return new Modules(Collections.unmodifiableList(modules), new ClassFileImporter().importPaths(paths));
    }

    private static Path existing(Path classes, Module m) {
        if (!Files.isDirectory(classes)) {
            throw new AssertionError(m.name() + " has not been compiled (" + ROOT.relativize(classes) + " is missing): "
                    + "build the whole reactor, or this module with -am, before the architecture tests");
        }
        return classes;
    }

    private static void collect(Path dir, List<Module> into) {
        Element project = parse(dir.resolve("pom.xml"));
        if (!dir.equals(ROOT)) {
            into.add(new Module(ROOT.relativize(dir).toString().replace('\\', '/'), dir));
        }
        NodeList lists = project.getElementsByTagName("modules");
        for (int i = 0; i < lists.getLength(); i++) {
            Element list = (Element) lists.item(i);
            if (list.getParentNode() != project) {
                continue; // modules of a profile are not the default reactor
            }
            NodeList children = list.getElementsByTagName("module");
            for (int j = 0; j < children.getLength(); j++) {
                collect(dir.resolve(children.item(j).getTextContent().trim()).normalize(), into);
            }
        }
    }

    private static Element parse(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(pom.toFile());
            return doc.getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    List<Module> all() {
        return modules;
    }

    JavaClasses classes() {
        return classes;
    }

    /** The module a class was read from; empty for a class outside the reactor (the JDK, a library). */
    Optional<Location> locate(JavaClass c) {
        Optional<Source> source = c.getSource();
        if (source.isEmpty() || !"file".equals(source.get().getUri().getScheme())) {
            return Optional.empty();
        }
        Path file = Path.of(source.get().getUri());
        for (Module m : modules) {
            if (file.startsWith(m.mainClasses())) {
                return Optional.of(new Location(m, false));
            }
            if (file.startsWith(m.testClasses())) {
                return Optional.of(new Location(m, true));
            }
        }
        return Optional.empty();
    }
}
