package dev.weft.caching.internal.method;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The loads in flight of one cached method, by key: the first caller of a key owns its flight and runs the body; the
 * others join it (single flight). Other keys never wait for it.
 *
 * <p>A flight past its deadline is taken over by the next caller who finds it: that caller replaces it with its own
 * flight and runs the body, the old flight is marked superseded and its token abandoned (so its owner's late result
 * is not stored), and the old flight's waiters are told to look again, which makes them join the new one. So a hung
 * owner delays its key by one wait timeout, once, not on every later call.
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
                supersede(other);
                return mine;
            }
        }
    }

    private void supersede(Flight old) {
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
    }

    /**
     * Replaces {@code old}, whose result callers may not share (an invalidation overlapped it), with {@code mine};
     * {@code old} runs on for the callers that already share it. Returns whether {@code mine} is now registered.
     */
    boolean replace(Flight old, Flight mine) {
        return flights.replace(old.key, old, mine);
    }

    /** Closes {@code flight} to new joiners (if it is still the registered one). */
    void close(Flight flight) {
        flights.remove(flight.key, flight);
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
