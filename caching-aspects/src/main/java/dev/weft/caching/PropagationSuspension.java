package dev.weft.caching;

/**
 * An open {@link CachingServices#suspendDependencyPropagation()} region; closing it resumes propagation. Use it in a
 * try-with-resources statement on the thread that opened it.
 */
public interface PropagationSuspension extends AutoCloseable {

    /** Ends the region. Closing twice is harmless. */
    @Override
    void close();
}
