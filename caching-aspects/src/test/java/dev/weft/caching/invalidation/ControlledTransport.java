package dev.weft.caching.invalidation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ScriptedTransport} with more for the test to control, and nothing of the interface's defaults overridden
 * ({@code canPublish}, {@code classifyPublishFailure}, {@code maxReceiveBytes}): it can hold invalidation messages
 * unanswered (heartbeats and goodbyes are still accepted at once), refuse to start, never subscribe, report details,
 * and it records its closing and the threads it publishes on.
 */
final class ControlledTransport implements InvalidationTransport {

    final ScriptedTransport wire = new ScriptedTransport();
    /** Whether {@link #start} subscribes (as {@link ScriptedTransport} does) or leaves delivery not yet started. */
    volatile boolean subscribeOnStart = true;
    /** Thrown by {@link #start}, after it kept the listener, when set. */
    volatile RuntimeException startFailure;
    /** While set, an invalidation message is recorded but its publish stays unanswered until {@link #answer}. */
    volatile boolean holdInvalidations;
    volatile Map<String, String> details = Map.of();
    final AtomicInteger closes = new AtomicInteger();
    /** Counted down when an invalidation message is handed over. */
    volatile CountDownLatch invalidationHandedOver = new CountDownLatch(1);
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<Thread> controlThreads = new ArrayList<>();

    @Override
    public void start(Listener listener) {
        wire.listener = listener;
        if (startFailure != null) {
            throw startFailure;
        }
        if (subscribeOnStart) {
            listener.onSubscribed();
        }
    }

    Listener listener() {
        return wire.listener;
    }

    @Override
    public CompletionStage<Void> publish(byte[] message) {
        boolean invalidation = message[4] == 1;
        CompletionStage<Void> accepted = wire.publish(message);
        synchronized (this) {
            if (!invalidation) {
                controlThreads.add(Thread.currentThread());
            }
            if (invalidation && holdInvalidations) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                held.add(f);
                invalidationHandedOver.countDown();
                return f;
            }
        }
        if (invalidation) {
            invalidationHandedOver.countDown();
        }
        return accepted;
    }

    /** Answers every held publish: accepted. */
    void answer() {
        List<CompletableFuture<Void>> answered;
        synchronized (this) {
            answered = new ArrayList<>(held);
            held.clear();
        }
        answered.forEach(f -> f.complete(null));
    }

    synchronized int heldCount() {
        return held.size();
    }

    /** The threads that published heartbeats and goodbyes. */
    synchronized List<Thread> controlThreads() {
        return List.copyOf(controlThreads);
    }

    List<InvalidationMessage> published() throws InvalidationMessageFormatException {
        return wire.published();
    }

    @Override
    public int maxMessageBytes() {
        return wire.maxMessageBytes();
    }

    @Override
    public String description() {
        return "controlled";
    }

    @Override
    public Map<String, String> details() {
        return details;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
