package dev.weft.caching.internal.method;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * The loads in flight of one cached method, by key: the first caller of a key owns its flight and runs the body; the
 * others join it (single flight). Other keys never wait for it.
 *
 * <p>A flight past its deadline is taken over by the next caller who finds it: that caller replaces it with its own
 * flight and runs the body, the old flight is marked superseded and its token abandoned (so its owner's late result
 * is not stored), and the old flight's waiters are told to look again, which makes them join the new one. So a hung
 * owner delays its key by one wait timeout, once, not on every later call.
 *
 * <p>Asynchronous callers that already share the old flight's future (its joiners, and its owner's caller) have
 * returned their futures and cannot look again: they follow the new flight instead, as a synchronous waiter does.
 * The old flight's future completes with the new flight's result or failure (or with the old load's own, should it
 * still come first: they could take either, as the new flight began after their calls did), and a lazy result one of
 * them subscribed to is started in the new flight too. Were a load that never signals left to them, they would wait for ever on a
 * result that can no longer be stored. If the new flight cannot run as a load either (its caller runs the body
 * uncached), they fail with a {@link java.util.concurrent.TimeoutException} naming the method, which fail-safe may
 * answer.
 */
final class SingleFlight {

    private static final Logger LOG = LoggerFactory.getLogger(SingleFlight.class);

    private final ConcurrentHashMap<ItemKey, Flight> flights = new ConcurrentHashMap<>();
    private final MethodStatistics statistics;
    private final String display;

    SingleFlight(MethodStatistics statistics, String display) {
        this.statistics = statistics;
        this.display = display;
    }

    /**
     * Registers {@code mine} as the flight of its key, or returns the flight already in progress. A flight in
     * progress that is past its deadline is taken over: {@code mine} replaces it. The caller owns the load when this
     * returns {@code mine}.
     */
    Flight claim(Flight mine) {
        ItemKey key = mine.key;
        while (true) {
            Flight other = flights.putIfAbsent(key, mine);
            if (other == null) {
                return mine;
            }
            if (!other.expiredAt(System.nanoTime())) {
                return other;
            }
            if (flights.replace(key, other, mine)) {
                supersede(other, mine);
                return mine;
            }
        }
    }

    private void supersede(Flight old, Flight mine) {
        old.superseded = true;
        statistics.waitTimeouts.increment();
        // keys carry argument values: only at DEBUG
        LOG.warn("{}: a load outlived the profile's loadWaitTimeout; another caller took it over and its own result "
                + "will not be stored", display);
        LOG.debug("{}: took over the load of {}", display, old.key);
        LoadToken token = old.token;   // read before the backend, which its write published
        if (token != null && old.backend != null) {
            try {
                old.backend.abandon(token);
            } catch (RuntimeException e) {
                LOG.warn("{}: the caching backend failed to abandon a superseded load", display, e);
            }
        }
        old.finish(Outcome.ABANDONED);
        if (old.shared != null && mine.shared != null) {
            follow(old, mine);
        }
    }

    /**
     * The callers that share {@code old}'s future follow {@code mine}, which took it over: its result completes
     * theirs, and a lazy result they subscribed to starts in {@code mine} too. (A flight taken over in turn passes
     * them on.)
     */
    private static void follow(Flight old, Flight mine) {
        CompletableFuture<Object> theirs = old.shared;
        mine.shared.whenComplete((value, failure) -> {
            if (failure != null) {
                theirs.completeExceptionally(failure);
            } else {
                theirs.complete(value);
            }
        });
        old.upstream.forwardTo(mine.upstream);
    }

    /**
     * Replaces {@code old}, whose result callers may not share (an invalidation overlapped it), with {@code mine};
     * {@code old} runs on for the callers that already share it. Returns whether {@code mine} is now registered.
     */
    boolean replace(Flight old, Flight mine) {
        return flights.replace(old.key, old, mine);
    }

    /**
     * Closes {@code flight} to new joiners, if it is still the registered one; returns whether it was (if not, it was
     * closed already, replaced, or taken over).
     */
    boolean close(Flight flight) {
        return flights.remove(flight.key, flight);
    }

    /**
     * Ends {@code flight}, which will not run as a load (its caller runs the body uncached, or a background load could
     * not start): closes it and tells its waiters to look again. Asynchronous callers cannot look again: only those of
     * a flight it took over share its future (a caller shares an asynchronous load only once it has a token), and they
     * fail with a {@link TimeoutException} naming the method, unless the flight was taken over in turn (then they
     * follow that flight).
     */
    void abandon(Flight flight) {
        boolean open = close(flight);
        flight.finish(Outcome.ABANDONED);
        if (open && flight.shared != null) {
            flight.shared.completeExceptionally(new TimeoutException(display + ": the load this call joined outlived "
                    + "the profile's loadWaitTimeout, and the caller that took it over ran the method uncached"));
        }
    }

    /** Whether {@code flight} is still the registered flight of its key. */
    boolean isOpen(Flight flight) {
        return flights.get(flight.key) == flight;
    }

    /** Number of flights in progress (for tests and diagnostics). */
    int size() {
        return flights.size();
    }
}
