package dev.weft.caching.internal.load;

/**
 * Installed by {@code CachingServices.suspendDependencyPropagation()}: cached calls above it pass nothing to the
 * cached body below it, and {@code CachingContext.current()} is inactive.
 */
public final class Barrier extends Frame {

    Barrier(Frame parent) {
        super(parent);
    }
}
