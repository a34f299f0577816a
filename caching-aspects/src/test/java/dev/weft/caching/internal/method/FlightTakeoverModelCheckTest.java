package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model-checks the takeover of a flight past its deadline in {@link SingleFlight#claim}, with Lincheck: however the
 * claims of three callers interleave, each flight that is taken over is taken over exactly once (its token abandoned
 * once, one wait timeout counted for it), and the flight left registered is not one that was taken over.
 *
 * <p>Every flight here has a deadline equal to its start, so it is past it whenever another caller finds it, whatever
 * the clock (under the model checker {@code System.nanoTime()} returns Lincheck's own values): every claim that finds
 * a flight takes it over, and {@link #validate} checks the invariants after each interleaving. That a waiter takes a
 * hung load over only once its deadline has passed (time, which the model checker does not give) is tested with real
 * time in the tests module ({@code LoadPathDefectsTest.aWaiterPastTheDeadlineTakesOverAHungLoad}).
 *
 * <p>Shown to fail on a broken variant: {@link #aTakeoverThatReplacesBlindlyIsCaught} runs the same check on
 * {@link BlindTakeover}, a copy of {@code claim} that replaces an expired flight with {@code put} instead of a
 * compare-and-set {@code replace}, so that two callers who found the same expired flight both take it over.
 */
public class FlightTakeoverModelCheckTest {

    static final ItemKey KEY = ItemKey.of("dev.Catalog.price(1)");

    final MethodStatistics statistics = new MethodStatistics();
    final SingleFlight flights = new SingleFlight(statistics, "Catalog.price(long id)");
    final TokenLog tokens = new TokenLog();
    /** Every flight claimed, with the token its owner would have begun. */
    final Map<Flight, LoadToken> claimed = new ConcurrentHashMap<>();

    /** Claims the flight of {@link #KEY} as a caller who found no value would. */
    Flight claim(Flight mine) {
        return flights.claim(mine);
    }

    @Operation
    public void claim() {
        Flight mine = new Flight(KEY, 0, false);
        LoadToken token = new Token();
        mine.backend = tokens;
        mine.token = token;
        claimed.put(mine, token);
        claim(mine);
    }

    @Validate
    public void validate() {
        int superseded = 0;
        for (Map.Entry<Flight, LoadToken> e : claimed.entrySet()) {
            int abandoned = tokens.abandoned(e.getValue());
            if (e.getKey().superseded) {
                superseded++;
                if (abandoned != 1) {
                    throw new AssertionError("a flight taken over had its token abandoned " + abandoned + " times");
                }
            } else if (abandoned != 0) {
                throw new AssertionError("a flight not taken over had its token abandoned");
            }
        }
        if (statistics.waitTimeouts.sum() != superseded) {
            throw new AssertionError(statistics.waitTimeouts.sum() + " takeovers counted for " + superseded
                    + " flights taken over");
        }
        for (Flight f : claimed.keySet()) {
            if (flights.isOpen(f) && f.superseded) {
                throw new AssertionError("the registered flight was taken over");
            }
        }
    }

    /** Three callers at once, one of them twice. */
    static ModelCheckingOptions options(Class<?> test) throws NoSuchMethodException {
        Actor claim = new Actor(test.getMethod("claim"), List.of(), false, false, false, false, false);
        return new ModelCheckingOptions()
                .iterations(0)
                .invocationsPerIteration(300)
                .minimizeFailedScenario(false)
                .addCustomScenario(new ExecutionScenario(List.of(claim),
                        List.of(List.of(claim, claim), List.of(claim), List.of(claim)), List.of(), null));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aFlightPastItsDeadlineIsTakenOverExactlyOnce() throws Exception {
        options(FlightTakeoverModelCheckTest.class).check(FlightTakeoverModelCheckTest.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aTakeoverThatReplacesBlindlyIsCaught() throws Exception {
        assertThatThrownBy(() -> options(BlindTakeover.class).check(BlindTakeover.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("abandoned");
    }

    /** A broken variant of {@code SingleFlight.claim}: an expired flight is replaced without checking it still is. */
    public static class BlindTakeover extends FlightTakeoverModelCheckTest {
        private final Map<ItemKey, Flight> registered = new ConcurrentHashMap<>();

        @Override
        Flight claim(Flight mine) {
            Flight other = registered.putIfAbsent(mine.key, mine);
            if (other == null) {
                return mine;
            }
            if (!other.expiredAt(System.nanoTime())) {
                return other;
            }
            registered.put(mine.key, mine);
            other.superseded = true;
            statistics.waitTimeouts.increment();
            other.backend.abandon(other.token);
            other.finish(Outcome.ABANDONED);
            return mine;
        }
    }

    /** A load token of its own for each flight. */
    static final class Token implements LoadToken {
        @Override
        public ItemKey key() {
            return KEY;
        }
    }

    /** Counts how often each load token is abandoned. */
    static final class TokenLog implements CachingBackend {
        private final Map<LoadToken, AtomicInteger> abandoned = new ConcurrentHashMap<>();

        int abandoned(LoadToken token) {
            AtomicInteger n = abandoned.get(token);
            return n == null ? 0 : n.get();
        }

        @Override
        public void abandon(LoadToken load) {
            abandoned.computeIfAbsent(load, t -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public CacheItem get(ItemKey key) {
            return null;
        }

        @Override
        public LoadToken beginLoad(ItemKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean set(LoadToken load, CacheItem item) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void invalidate(String key) {
        }

        @Override
        public void invalidateDependency(String dependency) {
        }

        @Override
        public void clear() {
        }

        @Override
        public void close() {
        }
    }
}
