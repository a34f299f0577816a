package dev.weft.caching.internal.load;

import dev.weft.caching.CachingContext;
import dev.weft.caching.internal.CachingRuntime;

/**
 * What the current thread is doing with the cache: the innermost running cached body (its {@link LoadContext}), and
 * whether {@code CachingServices.invalidate/refresh} is intercepting its cached calls.
 *
 * <p>Only read on the slow path: the hit path first checks {@link CachingRuntime#attention}, which is zero when no
 * thread has either, so a hit with no enclosing cached call never touches the thread local.
 */
public final class ThreadState {

    private static final ThreadLocal<ThreadState> CURRENT = ThreadLocal.withInitial(ThreadState::new);

    private static final CachingContext INACTIVE = new CachingContext() {
        @Override
        public void addDependency(String... dependencies) {
            // no cached call is running on this thread: nothing depends on anything
        }

        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public String key() {
            return null;
        }

        @Override
        public String toString() {
            return "CachingContext{inactive}";
        }
    };

    LoadContext context;
    Interception interception;

    private ThreadState() {
    }

    /** The current thread's state. */
    public static ThreadState get() {
        return CURRENT.get();
    }

    /** The public view of the current context. */
    public static CachingContext currentContext() {
        if (CachingRuntime.attention == 0) {
            return INACTIVE;
        }
        LoadContext c = CURRENT.get().context;
        return c == null || c.isBarrier() ? INACTIVE : c;
    }

    /** The innermost context, possibly a barrier, or {@code null}. */
    public LoadContext context() {
        return context;
    }

    public void push(LoadContext c) {
        context = c;
        CachingRuntime.addAttention(1);
    }

    public void pop(LoadContext c) {
        // If the body left a suspension open, context is a barrier above c: dropping back to c's parent closes it.
        context = c.parent;
        CachingRuntime.addAttention(-1);
    }

    /** Installs a barrier that stops dependency propagation until it is closed; returns what to restore. */
    public LoadContext suspend() {
        LoadContext previous = context;
        context = LoadContext.barrier(previous);
        return previous;
    }

    /** Removes the barrier installed by {@link #suspend()}. */
    public void resume(LoadContext previous) {
        context = previous;
    }

    /** The interception in progress on this thread, or {@code null}. */
    public Interception interception() {
        return interception;
    }

    /** Starts intercepting cached calls on this thread. */
    public void beginInterception(Interception i) {
        if (interception != null) {
            throw new IllegalStateException("CachingServices.invalidate/refresh cannot be nested");
        }
        interception = i;
        CachingRuntime.addAttention(1);
    }

    /** Suspends the interception while an intercepted call's own body runs (its inner calls are not intercepted). */
    public Interception pauseInterception() {
        Interception i = interception;
        interception = null;
        return i;
    }

    /** Undoes {@link #pauseInterception()}. */
    public void resumeInterception(Interception i) {
        interception = i;
    }

    /** Stops intercepting. */
    public void endInterception() {
        interception = null;
        CachingRuntime.addAttention(-1);
    }
}
