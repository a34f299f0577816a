package dev.weft.caching.internal.load;

/**
 * Something a thread is doing with the cache, innermost first: running a cached body ({@link LoadContext}), a
 * suspension of dependency propagation ({@link Barrier}), an imperative invalidation or refresh
 * ({@link Interception}), or a background reload. Frames form a stack through
 * {@link #parent}; {@link CallStack} holds the top. Confined to their thread.
 */
public abstract class Frame {

    final Frame parent;

    protected Frame(Frame parent) {
        this.parent = parent;
    }

    /** The frame below this one, or {@code null}. */
    public Frame parent() {
        return parent;
    }
}
