package dev.weft.caching.internal.method;

import ch.qos.logback.classic.Level;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Single flight's parts: flights and their takeover, background reload frames, lazy starts, the stale-value log. */
class FlightsTest {

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    final MethodStatistics statistics = new MethodStatistics();
    final SingleFlight flights = new SingleFlight(statistics, "Svc.find(int id)");
    final ItemKey key = ItemKey.of("Svc.find(1)");

    @Test
    void aFlightPastItsDeadlineIsTakenOverItsTokenEndedAndItsWaitersToldToLookAgain() {
        Flight hung = new Flight(key, 1, false);
        assertThat(flights.claim(hung)).isSameAs(hung);
        ScriptedBackend backend = new ScriptedBackend();
        LoadToken token = backend.beginLoad(key);
        hung.backend = backend;
        hung.token = token;

        await().atMost(Duration.ofSeconds(5)).until(() -> hung.expiredAt(System.nanoTime()));
        Flight mine = new Flight(key, 30_000_000_000L, false);
        assertThat(flights.claim(mine)).as("the hung flight is past its deadline").isSameAs(mine);

        assertThat(hung.superseded).isTrue();
        assertThat(backend.abandoned).containsExactly(token);
        assertThat(hung.await(Long.MAX_VALUE)).isSameAs(Outcome.ABANDONED);
        assertThat(statistics.snapshot().waitTimeouts()).isEqualTo(1);
        assertThat(flights.isOpen(mine)).isTrue();
        assertThat(flights.isOpen(hung)).isFalse();
        assertThat(flights.size()).isEqualTo(1);
        assertThat(log.atInfoOrAbove()).anySatisfy(l -> assertThat(l.text())
                .isEqualTo("Svc.find(int id): a load outlived the profile's loadWaitTimeout; another caller took it "
                        + "over and its own result will not be stored"));
    }

    /**
     * The callers that share a taken-over asynchronous flight's future follow the flights that took it over, through
     * a chain of takeovers, to a failure too, and their subscriptions, before or after a takeover, start the new
     * flight's lazy result. Fails without the fix in {@code SingleFlight.supersede}: the old future never completed.
     */
    @Test
    void asynchronousCallersOfATakenOverFlightFollowTheFlightsThatTookItOver() {
        Flight hung = new Flight(key, 1, true);
        flights.claim(hung);
        CompletableFuture<Object> joiner = hung.shared.thenApply(v -> v);   // a caller's own dependent
        hung.upstream.request("before the takeover");
        await().atMost(Duration.ofSeconds(5)).until(() -> hung.expiredAt(System.nanoTime()));
        Flight second = new Flight(key, 1, true);
        assertThat(flights.claim(second)).isSameAs(second);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.expiredAt(System.nanoTime()));
        Flight third = new Flight(key, 30_000_000_000L, true);
        assertThat(flights.claim(third)).isSameAs(third);
        assertThat(statistics.snapshot().waitTimeouts()).isEqualTo(2);

        List<Object> started = new ArrayList<>();
        third.upstream.ready(started::add);
        assertThat(started).as("started with the first subscriber's context").containsExactly("before the takeover");
        hung.upstream.request("after the takeover");
        assertThat(started).as("once").hasSize(1);
        assertThat(joiner).isNotDone();
        IllegalStateException failure = new IllegalStateException("database down");
        third.shared.completeExceptionally(failure);
        assertThat(joiner).isCompletedExceptionally();
        assertThatThrownBy(joiner::join).cause().isSameAs(failure);
        assertThat(second.shared).isCompletedExceptionally();
    }

    @Test
    void aSubscriptionAfterATakeoverStartsTheNewFlightsLazyResult() {
        Flight hung = new Flight(key, 1, true);
        flights.claim(hung);
        await().atMost(Duration.ofSeconds(5)).until(() -> hung.expiredAt(System.nanoTime()));
        Flight mine = new Flight(key, 30_000_000_000L, true);
        flights.claim(mine);
        List<Object> started = new ArrayList<>();
        mine.upstream.ready(started::add);
        assertThat(started).as("nobody subscribed yet").isEmpty();
        hung.upstream.request("a joiner of the old flight");
        assertThat(started).containsExactly("a joiner of the old flight");
        mine.shared.complete("new");
        assertThat(hung.shared).isCompletedWithValue("new");
    }

    /**
     * The flight that took an asynchronous one over runs uncached instead (its caller's transaction wrote, the backend
     * refused the load): the callers sharing the old one cannot look again, so they fail at once, with a message naming
     * the method, rather than wait for ever. Before the fix such a flight was only closed and given its outcome, and
     * the joiner waited for ever: checked to fail ({@code get} timed out) with {@code abandon} doing only that.
     */
    @Test
    void asynchronousCallersOfATakenOverFlightFailWhenTheFlightThatTookItOverCannotLoad() {
        Flight hung = new Flight(key, 1, true);
        flights.claim(hung);
        CompletableFuture<Object> joiner = hung.shared.thenApply(v -> v);
        await().atMost(Duration.ofSeconds(5)).until(() -> hung.expiredAt(System.nanoTime()));
        Flight mine = new Flight(key, 30_000_000_000L, true);
        flights.claim(mine);
        flights.abandon(mine);
        assertThat(mine.await(Long.MAX_VALUE)).isSameAs(Outcome.ABANDONED);
        assertThat(flights.size()).isZero();
        assertThatThrownBy(() -> joiner.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutException.class)
                .hasMessage("Svc.find(int id): the load this call joined outlived the profile's loadWaitTimeout, and "
                        + "the caller that took it over ran the method uncached");
    }

    @Test
    void anAbandonedFlightThatWasTakenOverLeavesItsCallersToTheFlightThatTookItOver() {
        Flight hung = new Flight(key, 1, true);
        flights.claim(hung);
        await().atMost(Duration.ofSeconds(5)).until(() -> hung.expiredAt(System.nanoTime()));
        Flight mine = new Flight(key, 30_000_000_000L, true);
        flights.claim(mine);
        flights.abandon(hung);   // e.g. its background load could not start after all
        assertThat(hung.shared).as("it follows mine").isNotDone();
        assertThat(flights.isOpen(mine)).isTrue();
        mine.shared.complete("new");
        assertThat(hung.shared).isCompletedWithValue("new");
    }

    @Test
    void aFlightWithinItsDeadlineIsJoined() {
        Flight first = new Flight(key, 30_000_000_000L, false);
        flights.claim(first);
        assertThat(flights.claim(new Flight(key, 30_000_000_000L, false))).isSameAs(first);
        assertThat(statistics.snapshot().waitTimeouts()).isZero();
    }

    @Test
    void onlyTheRegisteredFlightIsReplacedOrOpen() {
        Flight old = new Flight(key, 30_000_000_000L, false);
        Flight mine = new Flight(key, 30_000_000_000L, false);
        assertThat(flights.replace(old, mine)).as("old is not registered").isFalse();
        flights.claim(old);
        assertThat(flights.replace(old, mine)).isTrue();
        assertThat(flights.isOpen(mine)).isTrue();
        flights.close(mine);
        assertThat(flights.isOpen(mine)).isFalse();
        assertThat(flights.size()).isZero();
    }

    @Test
    void withAnUnboundedLoadWaitTimeoutAWaiterWaitsForTheOutcome() throws Exception {
        Flight flight = new Flight(key, Long.MAX_VALUE, false);
        assertThat(flight.expiredAt(System.nanoTime() + 1_000_000_000_000L)).isFalse();
        Thread owner = new Thread(() -> flight.finish(Outcome.NOT_STORED));
        owner.start();
        assertThat(flight.await(Long.MAX_VALUE)).isSameAs(Outcome.NOT_STORED);
        owner.join();
        assertThat(flight.hasOutcome()).isTrue();
        assertThat(flight.toString()).isEqualTo("Flight{" + key + ", owner=" + Thread.currentThread().getName() + '}');
    }

    @Test
    void aWaiterStopsAtItsOwnDeadlineWhenThatComesFirst() {
        Flight flight = new Flight(key, 30_000_000_000L, false);
        assertThat(flight.hasOutcome()).isFalse();
        assertThat(flight.await(System.nanoTime() - 1)).isSameAs(Outcome.TIMED_OUT);
    }

    // ---- background reloads ---------------------------------------------------------------------------------------

    @Test
    void aBackgroundReloadOwnsTheFirstCallOfItsMethodAndKeyOnly() throws Exception {
        CachedMethod method = CachedMethodTest.cached("name", int.class);
        CachedMethod other = CachedMethodTest.cached("resilient", int.class);
        Flight flight = new Flight(key, 30_000_000_000L, false);
        BackgroundLoad frame = new BackgroundLoad(null, method, flight, new ScriptedBackend());
        assertThat(frame.taken()).isFalse();
        assertThat(frame.take(other, key)).as("another method").isFalse();
        assertThat(frame.take(method, ItemKey.of("Svc.find(2)"))).as("another key").isFalse();
        assertThat(frame.taken()).isFalse();
        assertThat(frame.take(method, key)).isTrue();
        assertThat(frame.taken()).isTrue();
        assertThat(frame.take(method, key)).as("once").isFalse();
    }

    @Test
    void aLazyResultSubscribedToBeforeTheBodyReturnedStartsWhenItReturnsWithThatSubscribersContext() {
        Upstream upstream = new Upstream();
        List<Object> started = new ArrayList<>();
        upstream.request("first subscriber's context");
        upstream.request("second subscriber's context");
        assertThat(started).isEmpty();
        upstream.ready(started::add);
        assertThat(started).containsExactly("first subscriber's context");
        upstream.request("later");
        assertThat(started).as("started once").hasSize(1);
    }

    // ---- the stale-value log ----------------------------------------------------------------------------------------

    @Test
    void servedExpiredValuesAreLoggedAtMostOncePerMinuteWithTheirKeysOnlyAtDebug() {
        StaleLog staleLog = new StaleLog("Svc.find(int id)");
        staleLog.served(StaleReason.FAIL_SAFE, key);
        staleLog.served(StaleReason.AUTO_RELOAD, key);
        staleLog.served(StaleReason.SOFT_TIMEOUT, key);
        List<LogRecorder.Line> lines = log.lines().stream()
                .filter(l -> l.logger().equals("dev.weft.caching.stale")).toList();
        assertThat(lines.stream().filter(l -> l.level() == Level.WARN).map(LogRecorder.Line::text))
                .containsExactly("Svc.find(int id): served expired values: 0 while auto-reloading, 1 because the "
                        + "reload failed (fail-safe), 0 because the reload was slower than the soft timeout (counted "
                        + "in CachingStatistics; next line in a minute at the earliest)");
        assertThat(lines.stream().filter(l -> l.level() == Level.DEBUG).map(LogRecorder.Line::text))
                .containsExactly("Svc.find(int id): served an expired value of " + key + " (FAIL_SAFE)",
                        "Svc.find(int id): served an expired value of " + key + " (AUTO_RELOAD)",
                        "Svc.find(int id): served an expired value of " + key + " (SOFT_TIMEOUT)");
    }
}
