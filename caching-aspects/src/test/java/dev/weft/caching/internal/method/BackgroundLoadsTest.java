package dev.weft.caching.internal.method;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A background reload (auto-reload, eager refresh, soft timeout) that does not become the owner of the flight a caller
 * registered for it abandons that flight, so that the flight's waiters look again instead of waiting out its timeout.
 */
class BackgroundLoadsTest {

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    final ScriptedBackend backend = new ScriptedBackend();
    private final Executor previous = CachingRuntime.reloadExecutor();

    @AfterEach
    void restoreExecutor() {
        CachingRuntime.setReloadExecutor(previous);
    }

    @Test
    void aReloadTheExecutorRefusesAbandonsItsFlight() throws Exception {
        CachingRuntime.setReloadExecutor(task -> {
            throw new RejectedExecutionException("queue full");
        });
        CachedMethod m = CachedMethodTest.cached("name", int.class);
        Flight flight = registeredFlight(m);

        BackgroundLoads.start(m, flight, backend, new CachedMethodTest.Svc(), new Object[] {1});

        assertThat(m.flights.isOpen(flight)).isFalse();
        assertThat(flight.await(Long.MAX_VALUE)).isSameAs(Outcome.ABANDONED);
        assertThat(m.statistics().snapshot().backgroundLoads()).isEqualTo(1);
        assertThat(log.atInfoOrAbove()).extracting(LogRecorder.Line::text)
                .contains(m.display() + ": the reload executor refused a background load");
    }

    @Test
    void aReloadWhoseCallDidNotTakeTheFlightAbandonsItAndLeavesTheThreadsCallStackAsItFoundIt() throws Exception {
        // the method is called reflectively; here its class is not woven, so no cached call takes the flight
        CachingRuntime.setReloadExecutor(Runnable::run);
        CachedMethod m = CachedMethodTest.cached("name", int.class);
        Flight flight = registeredFlight(m);

        BackgroundLoads.start(m, flight, backend, new CachedMethodTest.Svc(), new Object[] {1});

        assertThat(CallStack.top()).isNull();
        assertThat(m.flights.isOpen(flight)).isFalse();
        assertThat(flight.await(Long.MAX_VALUE)).isSameAs(Outcome.ABANDONED);
    }

    private static Flight registeredFlight(CachedMethod m) {
        Flight flight = new Flight(ItemKey.of("k"), 30_000_000_000L, false);
        assertThat(m.flights.claim(flight)).isSameAs(flight);
        return flight;
    }
}
