package dev.weft.spring.boot.it.catalog;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "database" both applications share: one file per product in {@code catalog.dir}. Reads are counted, so a test
 * can tell a cache hit from a load.
 */
@Component
public class ProductStore {

    private final Path dir;
    private final AtomicLong reads = new AtomicLong();

    public ProductStore(@Value("${catalog.dir}") Path dir) {
        this.dir = dir;
    }

    public String read(long id) {
        reads.incrementAndGet();
        Path file = dir.resolve("product-" + id);
        try {
            return Files.exists(file) ? Files.readString(file) : "Product " + id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(long id, String name) {
        try {
            Files.writeString(dir.resolve("product-" + id), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long reads() {
        return reads.get();
    }
}
