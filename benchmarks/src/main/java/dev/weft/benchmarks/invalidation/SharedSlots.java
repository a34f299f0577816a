package dev.weft.benchmarks.invalidation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@link InvalidationKeys#COUNT} longs in a memory-mapped file that two JVMs share: instance B writes into slot
 * {@code k} the {@link System#nanoTime()} at which it applied the invalidation of key {@code k}; instance A, which
 * zeroed the slot before invalidating, reads it. {@code System.nanoTime()} is CLOCK_MONOTONIC on Linux, one clock for
 * every process of the machine, so the difference is the end-to-end latency, whatever A's reading costs. Volatile
 * access through a byte-buffer view handle, so that each side sees the other's writes.
 */
final class SharedSlots {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

    private final MappedByteBuffer buffer;

    SharedSlots(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8L * InvalidationKeys.COUNT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void clear(int slot) {
        LONGS.setVolatile(buffer, 8 * (slot & (InvalidationKeys.COUNT - 1)), 0L);
    }

    void set(int slot, long nanos) {
        LONGS.setVolatile(buffer, 8 * (slot & (InvalidationKeys.COUNT - 1)), nanos);
    }

    long get(int slot) {
        return (long) LONGS.getVolatile(buffer, 8 * (slot & (InvalidationKeys.COUNT - 1)));
    }
}
