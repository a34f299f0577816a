package dev.weft.caching.internal.method;

import java.util.Set;

/** How a {@link Flight} ended, as its joiners see it. */
sealed interface Outcome {

    /** The body's result was stored; {@code value} is the stored form. */
    record Stored(Object value, Set<String> dependencies) implements Outcome {
    }

    /**
     * The body's result was not stored, because an invalidation overlapped the load (or it was superseded): the owner
     * returns it, but a joiner may have started after that invalidation ended, so it must not take this value.
     */
    record NotStored() implements Outcome {
    }

    /** An asynchronous body returned its future, whose dependencies are now known; joiners check and share it. */
    record Returned(Set<String> dependencies) implements Outcome {
    }

    /** The body threw. */
    record Failed(Throwable failure) implements Outcome {
    }

    /** The flight ended without running, or was taken over: joiners look again. */
    record Abandoned() implements Outcome {
    }

    /** A joiner stopped waiting: the flight outlived its deadline, or the joiner's own soft timeout passed. */
    record TimedOut() implements Outcome {
    }

    /** A joiner was interrupted while it waited (its interrupt status is kept). */
    record Interrupted() implements Outcome {
    }

    NotStored NOT_STORED = new NotStored();
    Abandoned ABANDONED = new Abandoned();
    TimedOut TIMED_OUT = new TimedOut();
    Interrupted INTERRUPTED = new Interrupted();
}
