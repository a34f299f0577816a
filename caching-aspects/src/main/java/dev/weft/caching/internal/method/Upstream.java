package dev.weft.caching.internal.method;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Starts a lazy asynchronous result (a {@code Mono} or {@code Flux}) once, when the first caller subscribes to its
 * view of the load, or at once for a background load. The owner hands over the start action when its body returned
 * ({@link #ready}); a caller may subscribe before that ({@link #request}): whichever comes second starts it. The
 * first subscriber's context (Reactor's {@code ContextView}) goes with it.
 *
 * <p>When its flight is taken over, its callers follow the new flight ({@link #forwardTo}): a subscription of theirs,
 * made before or after, also starts the new flight's result.
 */
final class Upstream {

    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Consumer<Object> start;
    private volatile boolean requested;
    private volatile Object context;
    /** The upstream of the flight that took this one over, or {@code null}. */
    private volatile Upstream next;

    /** A caller subscribed, with {@code context} (may be {@code null}). */
    void request(Object context) {
        if (!requested) {
            this.context = context;
            requested = true;
        }
        Consumer<Object> s = start;
        if (s != null) {
            run(s);
        }
        Upstream n = next;
        if (n != null) {
            n.request(context);
        }
    }

    /**
     * The flight was taken over: a request made here, before (with its context) or after, goes on to {@code next}.
     * Both sides write before they read (volatile): a request racing with this is seen by one of them, or both (a
     * second request starts nothing).
     */
    void forwardTo(Upstream next) {
        this.next = next;
        if (requested) {
            next.request(context);
        }
    }

    /** The owner's body returned: {@code start} starts the result (with a subscriber's context, or {@code null}). */
    void ready(Consumer<Object> start) {
        this.start = start;
        if (requested) {
            run(start);
        }
    }

    private void run(Consumer<Object> s) {
        if (started.compareAndSet(false, true)) {
            s.accept(context);
        }
    }
}
