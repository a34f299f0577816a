package dev.weft.caching.invalidation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A transport driven by the test: it delivers what the test hands it, records what the invalidator publishes
 * (accepting it at once), and says it can or cannot publish as the test sets it.
 */
final class ScriptedTransport implements InvalidationTransport {

    volatile Listener listener;
    volatile boolean up = true;
    /** While set, the transport says it can publish but every publish fails (a broker that refuses). */
    volatile boolean refusing;
    private final List<byte[]> published = new ArrayList<>();

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        listener.onSubscribed();
    }

    /** Delivers bytes as if they came over the wire, on the caller's thread. */
    void deliver(byte[] bytes) {
        listener.onMessage(bytes);
    }

    @Override
    public synchronized CompletionStage<Void> publish(byte[] message) {
        if (!up || refusing) {
            return CompletableFuture.failedFuture(new IllegalStateException(up ? "refused" : "down"));
        }
        published.add(message);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean canPublish() {
        return up;
    }

    synchronized List<InvalidationMessage> published() throws InvalidationMessageFormatException {
        List<InvalidationMessage> decoded = new ArrayList<>();
        for (byte[] m : published) {
            decoded.add(InvalidationMessage.decode(m, new InvalidationMessage.Limits(1 << 20, 1 << 20)));
        }
        return decoded;
    }

    @Override
    public int maxMessageBytes() {
        return 64 * 1024;
    }

    @Override
    public String description() {
        return "scripted";
    }

    @Override
    public Map<String, String> details() {
        return Map.of();
    }

    @Override
    public void close() {
    }
}
