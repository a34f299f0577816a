package dev.weft.samples.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * The change feed's persisted watermark: one number in a text file. A write goes to a temporary file that is then
 * renamed over the old one, so a crash mid-write leaves the previous position, never a torn one.
 */
final class PositionFile {

    private final Path file;

    PositionFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** The file. */
    Path path() {
        return file;
    }

    /**
     * The stored position, or empty if the file does not exist.
     *
     * @throws IOException if it cannot be read or does not hold a non-negative number
     */
    OptionalLong load() throws IOException {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        try {
            long position = Long.parseLong(text);
            if (position < 0) {
                throw new NumberFormatException("negative");
            }
            return OptionalLong.of(position);
        } catch (NumberFormatException e) {
            throw new IOException(file + " should hold the change feed's position (a change_seq), but holds \""
                    + text + "\"; delete it to start from the database's latest change", e);
        }
    }

    /** Replaces the stored position. */
    void store(long position) throws IOException {
        Path parent = file.getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, position + System.lineSeparator(), StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
