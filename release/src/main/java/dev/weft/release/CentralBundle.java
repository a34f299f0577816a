package dev.weft.release;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the bundle that the Central Publisher Portal accepts: a zip of a Maven repository layout
 * ({@code dev/weft/<artifactId>/<version>/...}) in which every file (jar, sources, Javadoc, POM, signature) has its
 * {@code .md5} and {@code .sha1} beside it. The build copies the files in (see release/pom.xml); this adds the
 * checksums and zips. Entries are sorted and carry the build's output timestamp, so that the same inputs give the
 * same bytes.
 *
 * <p>Usage: {@code CentralBundle <repository-layout directory> <bundle.zip> <outputTimestamp>}.
 */
public final class CentralBundle {

    /** The checksums Central requires next to every file. */
    static final List<String> CHECKSUMS = List.of("md5", "sha1");

    private CentralBundle() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: CentralBundle <repository-layout directory> <bundle.zip> "
                    + "<outputTimestamp>");
        }
        Path layout = Path.of(args[0]);
        Path bundle = Path.of(args[1]);
        FileTime time = FileTime.from(Instant.parse(args[2]));
        int files = write(layout, bundle, time);
        System.out.println("[central-bundle] " + files + " files (checksums included) in " + bundle);
    }

    static int write(Path layout, Path bundle, FileTime time) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(layout)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(CentralBundle::isArtifact)
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("nothing to bundle in " + layout);
        }
        Files.createDirectories(bundle.toAbsolutePath().getParent());
        int entries = 0;
        try (OutputStream out = Files.newOutputStream(bundle); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Path file : files) {
                String name = layout.relativize(file).toString().replace('\\', '/');
                byte[] content = Files.readAllBytes(file);
                entries += put(zip, name, content, time);
                for (String algorithm : CHECKSUMS) {
                    entries += put(zip, name + "." + algorithm, hex(algorithm, content), time);
                }
            }
        }
        return entries;
    }

    /**
     * Whether a file of the layout is one of a component's files ({@code <artifactId>-<version>[-classifier].ext},
     * in {@code <artifactId>/<version>/}): not a checksum (this writes them), and not the bookkeeping that copying
     * into a repository layout leaves behind ({@code maven-metadata-local.xml}, {@code _remote.repositories}).
     */
    static boolean isArtifact(Path file) {
        String name = file.getFileName().toString();
        if (CHECKSUMS.stream().anyMatch(c -> name.endsWith("." + c)) || file.getNameCount() < 3) {
            return false;
        }
        String version = file.getParent().getFileName().toString();
        String artifactId = file.getParent().getParent().getFileName().toString();
        return name.startsWith(artifactId + "-" + version);
    }

    private static int put(ZipOutputStream zip, String name, byte[] content, FileTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(time);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
        return 1;
    }

    static byte[] hex(String algorithm, byte[] content) {
        try {
            String javaName = algorithm.equals("sha1") ? "SHA-1" : algorithm.toUpperCase(java.util.Locale.ROOT);
            byte[] digest = MessageDigest.getInstance(javaName).digest(content);
            return HexFormat.of().formatHex(digest).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }
}
