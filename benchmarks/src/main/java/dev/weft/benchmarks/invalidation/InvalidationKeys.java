package dev.weft.benchmarks.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The keys the invalidation benchmarks invalidate: {@value #COUNT} canonical keys of the woven
 * {@code getProduct(int)}, all of the same length (ids 100000 to 101023), so that every message of every variant has
 * the same size. Successive operations use successive keys, so a message that arrived late could never be taken for
 * the one an operation waits for.
 */
public final class InvalidationKeys {

    /** How many distinct keys (a power of two). */
    static final int COUNT = 1024;
    private static final String PREFIX = "dev.weft.benchmarks.subjects.woven.WeftCatalogService.getProduct(";

    private static final String[] KEYS = new String[COUNT];

    static {
        for (int i = 0; i < COUNT; i++) {
            KEYS[i] = PREFIX + (100_000 + i) + ')';
        }
    }

    private InvalidationKeys() {
    }

    /** The key number {@code i} (taken modulo {@link #COUNT}). */
    public static String key(int i) {
        return KEYS[i & (COUNT - 1)];
    }

    /** The UTF-8 length of every key. */
    static int keyBytes() {
        return KEYS[0].getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Weft's wire encoding of a message that invalidates one key {@code key}: the payload the raw Lettuce variants
     * publish, so that they send exactly as many bytes as Weft does. Its last {@link #keyBytes()} bytes are the key.
     */
    static byte[] weftMessage(String key) {
        return new InvalidationMessage(UUID.randomUUID(), System.currentTimeMillis(), 1, System.currentTimeMillis(),
                List.of(Operation.key(key))).encode();
    }

    /** The size in bytes of every message the latency benchmark sends (Weft's, and the raw variants' payload). */
    public static int messageBytes() {
        return weftMessage(key(0)).length;
    }

    /** The key at the end of a payload made by {@link #weftMessage(String)}. */
    static String keyAtEnd(byte[] payload) {
        int n = keyBytes();
        return new String(payload, payload.length - n, n, StandardCharsets.UTF_8);
    }
}
