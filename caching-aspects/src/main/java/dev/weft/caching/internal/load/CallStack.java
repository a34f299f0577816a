package dev.weft.caching.internal.load;

import dev.weft.caching.CachingContext;

/**
 * The top {@link Frame} of each thread: {@code null} while the thread does nothing with the cache, which is what the
 * hit path checks (one thread-local read) before it answers without looking further.
 *
 * <p>The thread-local holds a frame only while one is open: when the last frame is popped the value goes back to
 * {@code null}, so a pooled thread never keeps one of Weft's objects (and through it Weft's class loader) alive after
 * the application that used it is gone.
 */
public final class CallStack {

    private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();

    private CallStack() {
    }

    /** The current thread's top frame, or {@code null}. */
    public static Frame top() {
        return TOP.get();
    }

    /** Pushes {@code frame}, whose parent must be the current top. */
    public static void push(Frame frame) {
        TOP.set(frame);
    }

    /** Pops {@code frame}, dropping any frame left open above it (a suspension its body did not close). */
    public static void pop(Frame frame) {
        TOP.set(frame.parent);
    }

    /**
     * The cached body that a call made now would pass its key and dependencies to: the nearest {@link LoadContext}
     * below {@code top}, looking through interceptions and background reloads, stopping at a {@link Barrier}.
     */
    public static LoadContext enclosing(Frame top) {
        for (Frame f = top; f != null; f = f.parent) {
            if (f instanceof LoadContext) {
                return (LoadContext) f;
            }
            if (f instanceof Barrier) {
                return null;
            }
        }
        return null;
    }

    /** The public view of the current thread's context. */
    public static CachingContext currentContext() {
        LoadContext c = enclosing(TOP.get());
        return c != null ? c : LoadContext.INACTIVE;
    }

    /** Opens an interception on this thread. */
    public static Interception beginInterception(Interception.Kind kind) {
        Frame top = TOP.get();
        for (Frame f = top; f != null; f = f.parent) {
            if (f instanceof Interception) {
                throw new IllegalStateException("CachingServices.invalidate/refresh cannot be nested");
            }
        }
        Interception i = new Interception(top, kind);
        TOP.set(i);
        return i;
    }

    /** Opens a barrier; returns it, to close with {@link #pop}. */
    public static Barrier suspend() {
        Barrier b = new Barrier(TOP.get());
        TOP.set(b);
        return b;
    }
}
