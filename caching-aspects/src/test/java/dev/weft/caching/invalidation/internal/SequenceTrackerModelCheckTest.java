package dev.weft.caching.invalidation.internal;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * Model-checks the {@link SequenceTracker} as {@link InvalidationReceiver} drives it, with Lincheck: a tracker never
 * drops a valid invalidation. However the receiver's threads interleave, every invalidation a real sender published is
 * either applied or covered by a clear made after it was sent, and that clear comes when the rules promise it.
 *
 * <h2>What runs concurrently, as in production</h2>
 * <ul>
 *   <li>The transport's delivery thread (Lettuce's event loop, the Service Bus processor's thread, which calls with
 *       {@code maxConcurrentCalls(1)}): {@link #deliver}, {@link #heartbeat}, {@link #goodbye}, {@link #forge}. Random
 *       scenarios also put deliveries on two threads at once: a Redis reconnect briefly has the old connection's and
 *       the new one's event loops delivering.</li>
 *   <li>The receiver's timer thread: {@link #tick} ({@code checkSenders}, which also runs for the gap timer).</li>
 *   <li>Time: {@link #advance}. Lincheck cannot model real time, so the clock is a counter the scenario advances, and
 *       each operation reads it <em>before</em> it calls the tracker, as {@code InvalidationReceiver.receive} and
 *       {@code checkSenders} read {@code System.nanoTime()} outside the tracker's lock: the model checker may run a
 *       message with a time older than that of an expiry the tracker has already run.</li>
 * </ul>
 *
 * <h2>The specification: a world and its stale keys</h2>
 * One real sender R (known to the receiver: its message #1 arrived before the scenario) publishes messages numbered 1,
 * 2, 3... in order; message #k invalidates key k. The world keeps the keys the receiver holds stale: a number is stale
 * from the moment R sends it until the receiver applies it or clears its cache. R sends a number at the latest moment
 * it can have (just before the next evidence of it reaches the receiver: a later message, or a heartbeat or goodbye
 * carrying it), which is the hardest case for a clear to cover. The receive path is mirrored: every message is
 * applied, whatever the verdict (receipt is idempotent); a verdict or expiry with a loss, an overflow, a sender newly
 * silent, or a sender still silent (the receiver's clear every half bound while one is) clears the cache.
 * After every step the world checks:
 * <ol>
 *   <li><b>No gap skipped.</b> A number revealed (by a later number, a heartbeat or a goodbye) and still stale must be
 *       cleared at once with no reorder window; with one, by the first expiry at or past its reveal plus the window.
 *       A forward jump ({@link #forge}: a message in R's name numbered far ahead, as a garbled frame or a buggy peer
 *       would send) must not hide R's later losses.</li>
 *   <li><b>No silent sender trusted.</b> At an expiry more than the silence period after R was last heard, nothing is
 *       stale.</li>
 *   <li><b>Nothing stale at the end.</b> After the scenario, time runs past every window and silence and one expiry
 *       runs: nothing is stale.</li>
 * </ol>
 *
 * <h2>What is not modelled here</h2>
 * Forgetting a long-silent sender, the cap on senders, new senders and their start time against the subscription,
 * and clock skew between sender and receiver ({@code SequenceTrackerTest}); when the receiver's periodic clears
 * happen in real time, the coalescing of clears, and the staleness bound ({@code ReceivePathTest}); the receive path's
 * own code ({@link ReceivePathModelCheckTest}).
 *
 * <p>Shown to fail on a broken variant: {@link #aTrackerWhoseForwardJumpsNeverHealIsCaught} runs the same scenarios on
 * {@link WithoutHealing}, a tracker with the same rules at a zero window minus the healing of forward jumps (what the
 * tracker did before issue 14: a number below the expected one is a duplicate, full stop), and expects the checker to
 * report R's losses after a jump as skipped.
 */
@Param(name = "seq", gen = IntGen.class, conf = "2:4")
public class SequenceTrackerModelCheckTest {

    static final UUID REAL = new UUID(0x5eed, 1);
    /** The receiver's last subscription, on the shared clock (sender and receiver clocks agree here). */
    static final long SUBSCRIBED = 1_000_000;
    /** R started long before the subscription: its first number heard is taken as it is. */
    static final long STARTED = SUBSCRIBED - 60_000;
    static final long SILENCE = 30;
    /** Far beyond any time a scenario reaches: forgetting is {@code SequenceTrackerTest}'s. */
    static final long FORGET = 1_000_000_000L;
    static final long STEP = 20;
    /** The forward jump's number: far past anything R sends in a scenario. */
    static final long FORGED = 50;

    /** What the receiver asks of its tracker. */
    interface Judge {
        SequenceTracker.Verdict invalidation(long sequence, long sentAt, long now);

        SequenceTracker.Verdict heartbeat(long last, long sentAt, long now);

        SequenceTracker.Verdict goodbye(long last, long sentAt, long now);

        SequenceTracker.Expired expire(long now);

        int silentCount();
    }

    private final long window = window();
    private final Judge judge = judge(window);
    private final AtomicLong clock = new AtomicLong(SUBSCRIBED + 1_000);
    private final World world = new World(window);

    public SequenceTrackerModelCheckTest() {
        long now = clock.get();
        world.sendUpTo(1, now);
        world.applied(1);
        world.afterVerdict(judge.invalidation(1, now, now), 1, now, now);
    }

    /** The reorder window: Redis's default, none. */
    long window() {
        return 0;
    }

    Judge judge(long window) {
        SequenceTracker tracker = new SequenceTracker(window, SILENCE, FORGET, 16);
        return new Judge() {
            @Override
            public SequenceTracker.Verdict invalidation(long sequence, long sentAt, long now) {
                return tracker.invalidation(REAL, STARTED, sequence, sentAt, now, SUBSCRIBED);
            }

            @Override
            public SequenceTracker.Verdict heartbeat(long last, long sentAt, long now) {
                return tracker.heartbeat(REAL, STARTED, last, sentAt, now, SUBSCRIBED);
            }

            @Override
            public SequenceTracker.Verdict goodbye(long last, long sentAt, long now) {
                return tracker.goodbye(REAL, STARTED, last, sentAt, now, SUBSCRIBED);
            }

            @Override
            public SequenceTracker.Expired expire(long now) {
                return tracker.expire(now);
            }

            @Override
            public int silentCount() {
                return tracker.silentCount();
            }
        };
    }

    // ---- the delivery thread --------------------------------------------------------------------------------------

    /** R's invalidation #seq arrives (R sent everything up to it; what did not arrive was lost on the way). */
    @Operation
    public void deliver(@Param(name = "seq") int seq) {
        long now = clock.get();
        synchronized (world) {
            if (!world.sendUpTo(seq, now)) {
                return; // R said goodbye: it sends nothing new
            }
            SequenceTracker.Verdict v = judge.invalidation(seq, world.sentAt(seq), now);
            world.applied(seq);
            world.afterVerdict(v, seq, now, now);
        }
    }

    /** R's heartbeat: the last number it published. */
    @Operation
    public void heartbeat() {
        long now = clock.get();
        synchronized (world) {
            if (world.gone) {
                return;
            }
            long last = world.sent;
            world.afterVerdict(judge.heartbeat(last, now, now), last, now, now);
        }
    }

    /** R closes: its goodbye carries its last number; it sends nothing more. */
    @Operation
    public void goodbye() {
        long now = clock.get();
        synchronized (world) {
            if (world.gone) {
                return;
            }
            long last = world.sent;
            world.gone = true;
            world.afterVerdict(judge.goodbye(last, now, now), last, now, now);
        }
    }

    /** R publishes its next number, and the transport loses it (a dropping proxy, an expired message). */
    @Operation
    public void lose() {
        long now = clock.get();
        synchronized (world) {
            world.sendUpTo(world.sent + 1, now);
        }
    }

    /** A message in R's name numbered far ahead, stamped with the current time: it invalidates a key of its own. */
    @Operation
    public void forge() {
        long now = clock.get();
        synchronized (world) {
            SequenceTracker.Verdict v = judge.invalidation(FORGED, now, now);
            world.afterVerdict(v, 0, now, now);
        }
    }

    // ---- the timer thread, and time -------------------------------------------------------------------------------

    /** The receiver's periodic check: holes past the window, senders fallen silent. */
    @Operation
    public void tick() {
        long now = clock.get();
        synchronized (world) {
            world.afterExpiry(judge.expire(now), judge.silentCount(), now);
        }
    }

    @Operation
    public void advance() {
        clock.addAndGet(STEP);
    }

    /** After the scenario: past every window and silence, one more check; then nothing may be stale. */
    @Validate
    public void validate() {
        long now = clock.addAndGet(window + SILENCE + 1);
        synchronized (world) {
            world.afterExpiry(judge.expire(now), judge.silentCount(), now);
            if (!world.stale.isEmpty()) {
                world.violations.add("after every window and silence, R's " + world.stale + " are still stale");
            }
            if (!world.violations.isEmpty()) {
                throw new AssertionError(String.join("; ", world.violations));
            }
        }
    }

    /**
     * The world and its oracle. Run as one step by the model checker (see {@link #options}): it is the specification,
     * not code under test, and the lock around each use already makes it atomic.
     */
    static final class World {
        final long window;
        /** R's highest number sent. */
        long sent;
        boolean gone;
        final Map<Long, Long> sentAt = new HashMap<>();
        /** When a later number, a heartbeat or a goodbye first showed that R had sent the number. */
        final Map<Long, Long> revealedAt = new HashMap<>();
        final TreeSet<Long> stale = new TreeSet<>();
        /** The latest time anything in R's name was judged. */
        long lastHeard;
        final List<String> violations = new ArrayList<>();

        World(long window) {
            this.window = window;
        }

        /** R sends every number up to {@code seq} not sent yet; false if R is gone and {@code seq} is new. */
        boolean sendUpTo(long seq, long now) {
            if (seq > sent && gone) {
                return false;
            }
            for (long k = sent + 1; k <= seq; k++) {
                sentAt.put(k, now);
                stale.add(k);
            }
            sent = Math.max(sent, seq);
            return true;
        }

        long sentAt(long seq) {
            return sentAt.get((long) seq);
        }

        void applied(long seq) {
            stale.remove(seq);
        }

        /**
         * After a message was judged: it showed R's numbers up to {@code revealed}, was heard at {@code heardAt}; a
         * loss or an overflow clears.
         */
        void afterVerdict(SequenceTracker.Verdict v, long revealed, long heardAt, long now) {
            for (long k = 1; k <= Math.min(revealed, sent); k++) {
                revealedAt.putIfAbsent(k, now);
            }
            lastHeard = Math.max(lastHeard, heardAt);
            if (v.lost() > 0 || v.overflow()) {
                stale.clear();
            }
            if (window == 0) {
                checkRevealed(now, "message");
            }
        }

        void afterExpiry(SequenceTracker.Expired e, int silent, long now) {
            if (e.lost() > 0 || !e.newlySilent().isEmpty() || silent > 0) {
                stale.clear();
            }
            checkRevealed(now, "expiry");
            if (!gone && now - lastHeard > SILENCE && !stale.isEmpty()) {
                violations.add("R unheard since " + lastHeard + ", yet at " + now + " " + stale
                        + " are stale and no silence was reported");
            }
        }

        private void checkRevealed(long now, String at) {
            for (long k : stale) {
                Long revealed = revealedAt.get(k);
                if (revealed != null && revealed + window <= now) {
                    violations.add("R's #" + k + ", shown sent at " + revealed + ", still stale after the " + at
                            + " at " + now + " (window " + window + ")");
                }
            }
        }
    }

    // ---- scenarios and options ------------------------------------------------------------------------------------

    /**
     * The cases the tracker exists for, each against the timer thread and time: a gap, a replay, R's last message lost
     * (shown by a heartbeat, by a goodbye), a forward jump followed by R's own losses (shown by a message, by a
     * heartbeat), and a sender that falls silent after a loss.
     */
    static List<ExecutionScenario> cases(Class<?> test) {
        List<Actor> timer = List.of(actor(test, "advance"), actor(test, "tick"));
        List<Actor> settle = List.of(actor(test, "advance"), actor(test, "tick"));
        return List.of(
                scenario(List.of(actor(test, "lose"), actor(test, "deliver", 3)), timer, settle),
                scenario(List.of(actor(test, "deliver", 2), actor(test, "deliver", 2)), timer, settle),
                scenario(List.of(actor(test, "lose"), actor(test, "heartbeat")), timer, settle),
                scenario(List.of(actor(test, "deliver", 2), actor(test, "lose"), actor(test, "goodbye")), timer,
                        settle),
                scenario(List.of(actor(test, "forge"), actor(test, "lose"), actor(test, "deliver", 4)), timer,
                        settle),
                scenario(List.of(actor(test, "forge"), actor(test, "lose"), actor(test, "heartbeat")), timer,
                        settle),
                scenario(List.of(actor(test, "deliver", 2), actor(test, "lose")),
                        List.of(actor(test, "advance"), actor(test, "advance"), actor(test, "tick")), List.of()));
    }

    static ExecutionScenario scenario(List<Actor> delivery, List<Actor> timer, List<Actor> after) {
        return new ExecutionScenario(List.of(), List.of(delivery, timer), after, null);
    }

    static Actor actor(Class<?> test, String name, Object... args) {
        Method method = Arrays.stream(test.getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == args.length)
                .findFirst().orElseThrow();
        return new Actor(method, List.of(args), false, false, false, false, false);
    }

    /**
     * The model checker switches threads where the receiver's threads meet: reading the clock and taking the
     * tracker's lock. The tracker's methods and the world's are each run as one step: the tracker's are synchronized
     * and called one at a time, so a switch inside one could only let a thread run that does not touch the tracker
     * (time advancing), which changes nothing the call computes; exploring those switches would multiply the
     * interleavings without adding an outcome.
     */
    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .minimizeFailedScenario(false)
                .addGuarantee(forClasses(SequenceTracker.class.getName(), World.class.getName()).allMethods()
                        .treatAsAtomic());
    }

    static ModelCheckingOptions casesOnly(Class<?> test) {
        ModelCheckingOptions options = options().iterations(0).invocationsPerIteration(40);
        for (ExecutionScenario s : cases(test)) {
            options.addCustomScenario(s);
        }
        return options;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyLossIsReportedWithoutAReorderWindow() {
        casesOnly(SequenceTrackerModelCheckTest.class).check(SequenceTrackerModelCheckTest.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyLossIsReportedWithinTheReorderWindow() {
        casesOnly(WithReorderWindow.class).check(WithReorderWindow.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void randomScenariosLoseNothingUnseen() {
        options().iterations(6).invocationsPerIteration(30)
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(1)
                .check(SequenceTrackerModelCheckTest.class);
        options().iterations(6).invocationsPerIteration(30)
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(1)
                .check(WithReorderWindow.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aTrackerWhoseForwardJumpsNeverHealIsCaught() {
        assertThatThrownBy(() -> casesOnly(WithoutHealing.class).check(WithoutHealing.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("still stale");
    }

    /** The same checks with a reorder window (Service Bus's kind of transport): holes wait for it. */
    @Param(name = "seq", gen = IntGen.class, conf = "2:4")
    public static class WithReorderWindow extends SequenceTrackerModelCheckTest {
        @Override
        long window() {
            return 10;
        }
    }

    /**
     * A broken variant: the tracker's rules at a zero window with the healing of forward jumps removed. After a
     * number far ahead, every number below it is a duplicate: R's own later losses are never reported.
     */
    @Param(name = "seq", gen = IntGen.class, conf = "2:4")
    public static class WithoutHealing extends SequenceTrackerModelCheckTest {
        @Override
        Judge judge(long window) {
            return new Judge() {
                long next;
                long lastHeard;
                boolean silent;
                boolean known;

                private long heard(long now) {
                    lastHeard = now;
                    silent = false;
                    return 0;
                }

                @Override
                public SequenceTracker.Verdict invalidation(long sequence, long sentAt, long now) {
                    heard(now);
                    long lost = 0;
                    if (!known) {
                        known = true;
                    } else if (sequence >= next) {
                        lost = sequence - next;
                    } else {
                        return new SequenceTracker.Verdict(true, 0, "", false, false);
                    }
                    next = sequence + 1;
                    return new SequenceTracker.Verdict(false, lost, "", false, false);
                }

                @Override
                public SequenceTracker.Verdict heartbeat(long last, long sentAt, long now) {
                    heard(now);
                    long lost = 0;
                    if (last >= next) {
                        lost = last - next + 1;
                        next = last + 1;
                    }
                    return new SequenceTracker.Verdict(false, lost, "", false, false);
                }

                @Override
                public SequenceTracker.Verdict goodbye(long last, long sentAt, long now) {
                    return heartbeat(last, sentAt, now);
                }

                @Override
                public SequenceTracker.Expired expire(long now) {
                    if (!silent && now - lastHeard > SILENCE) {
                        silent = true;
                        return new SequenceTracker.Expired(0, "", List.of(REAL), 0);
                    }
                    return new SequenceTracker.Expired(0, "", List.of(), 0);
                }

                @Override
                public int silentCount() {
                    return silent ? 1 : 0;
                }
            };
        }
    }
}
