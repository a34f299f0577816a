package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessageFormatException;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.invalidation.ProblemLog;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.helpers.NOPLogger;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * Model-checks {@link InvalidationReceiver}'s receive path with Lincheck: however deliveries and a resubscription
 * interleave, every well-formed invalidation delivered is applied to the local cache, once per delivery (receipt is
 * idempotent: no message, forged or not, makes the receiver ignore a later one), and a real sender's numbers that never
 * arrived are counted as lost or covered by the clear of a resubscription.
 *
 * <h2>What runs concurrently, as in production</h2>
 * Two delivery threads ({@link #deliver}, {@link #forge}): a Redis reconnect briefly has the old connection's event loop
 * and the new one's delivering, and Service Bus's processor and its error and probe threads are distinct. The
 * transport's connection thread: {@link #resubscribe} ({@code onSubscribed}: the tracker is reset and the cache
 * cleared). The bytes are real encoded messages, decoded by the receiver.
 *
 * <h2>What is not modelled here</h2>
 * Time: the receiver reads {@code System.nanoTime()} itself and its timers run on a thread of their own, so the reorder
 * window is zero (Redis's default) and the silence and staleness bounds are out of reach; the tracker's rules in time
 * are {@link SequenceTrackerModelCheckTest}'s, and the receiver's timers, its clears while a sender is silent and the
 * coalescing of clears are {@code ReceivePathTest}'s. Losses are observed through the counters
 * ({@code onMessageLoss = LOG_ONLY}), which keeps clears off the coalescer's timer thread.
 *
 * <p>Shown to fail on a broken variant: {@link #aReceiverThatSkipsDuplicatesIsCaught} runs the same scenarios on
 * {@link SkipDuplicates}, a receive path that applies a message only when the tracker does not call it a duplicate
 * (the rule before issue 14), and expects the checker to report an invalidation never applied: the real sender's,
 * arriving after a forged message had taken its number, or the forged one's own key, arriving second.
 */
@Param(name = "seq", gen = IntGen.class, conf = "2:3")
public class ReceivePathModelCheckTest {

    static final UUID REAL = new UUID(0x5eed, 1);
    static final UUID SELF = new UUID(0x5e1f, 2);

    final RecordingTarget target = new RecordingTarget();
    final InvalidatorOptions invalidatorOptions = InvalidatorOptions.customTransportBuilder()
            .onMessageLoss(OnMessageLoss.LOG_ONLY).maxStalenessWhileDisconnected(Duration.ofSeconds(30))
            .reorderWindow(Duration.ZERO).build();
    /** Its timer thread is never started: the receiver's {@code start()} is not called, and no clear is coalesced. */
    final InvalidatorRuntime runtime = new InvalidatorRuntime(new NoTransport(), invalidatorOptions, true,
            new ProblemLog(NOPLogger.NOP_LOGGER, 0));
    final InvalidationTransport.Listener receiver = receiver(runtime, target);
    final Deliveries deliveries = new Deliveries();

    /** The real sender is known: its #1 arrived (the transport's first subscription needs no call here). */
    public ReceivePathModelCheckTest() {
        deliveries.delivered(1, "r1");
        receiver.onMessage(message(1, "r1"));
    }

    InvalidationTransport.Listener receiver(InvalidatorRuntime runtime, InvalidationReceiver.Target target) {
        return new InvalidationReceiver(runtime, invalidatorOptions, target);
    }

    static byte[] message(long sequence, String key) {
        return new InvalidationMessage(REAL, 0, sequence, 0, List.of(Operation.key(key))).encode();
    }

    /** The real sender's invalidation #seq, of key {@code r<seq>}. */
    @org.jetbrains.lincheck.datastructures.Operation
    public void deliver(@Param(name = "seq") int seq) {
        String key = "r" + seq;
        deliveries.delivered(seq, key);
        receiver.onMessage(message(seq, key));
    }

    /** A message in the real sender's name with number {@code seq}, of a key of its own. */
    @org.jetbrains.lincheck.datastructures.Operation
    public void forge(@Param(name = "seq") int seq) {
        deliveries.delivered(0, "forged" + seq);
        receiver.onMessage(message(seq, "forged" + seq));
    }

    @org.jetbrains.lincheck.datastructures.Operation
    public void resubscribe() {
        receiver.onSubscribed();
    }

    @Validate
    public void validate() {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Integer> d : deliveries.byKey.entrySet()) {
            int applied = target.invalidations(d.getKey());
            if (applied != d.getValue()) {
                violations.add(d.getKey() + " delivered " + d.getValue() + " times, applied " + applied + " times");
            }
        }
        TreeSet<Long> real = deliveries.realNumbers;
        boolean missing = false;
        for (long k = 1; k <= real.last(); k++) {
            missing |= !real.contains(k);
        }
        if (missing && runtime.counters.messagesLost.sum() == 0 && target.clears() == 0) {
            violations.add("the real sender's " + real + " arrived, and the numbers between were neither counted "
                    + "lost nor covered by a resubscription's clear");
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(String.join("; ", violations));
        }
    }

    /** What was delivered: the test's bookkeeping, one step for the model checker. */
    static final class Deliveries {
        final Map<String, Integer> byKey = new HashMap<>();
        final TreeSet<Long> realNumbers = new TreeSet<>();

        synchronized void delivered(long realNumber, String key) {
            byKey.merge(key, 1, Integer::sum);
            if (realNumber > 0) {
                realNumbers.add(realNumber);
            }
        }
    }

    /** The local cache: counts invalidations per key, and clears. */
    static final class RecordingTarget implements InvalidationReceiver.Target {
        private final Map<String, Integer> invalidations = new HashMap<>();
        private int clears;

        @Override
        public synchronized void invalidate(String key) {
            invalidations.merge(key, 1, Integer::sum);
        }

        @Override
        public void invalidateDependency(String dependency) {
            throw new AssertionError("no dependency is published here");
        }

        @Override
        public synchronized void clear() {
            clears++;
        }

        synchronized int invalidations(String key) {
            return invalidations.getOrDefault(key, 0);
        }

        synchronized int clears() {
            return clears;
        }
    }

    /** The runtime's transport: nothing is published here, and the test calls the listener itself. */
    static final class NoTransport implements InvalidationTransport {
        @Override
        public void start(Listener listener) {
        }

        @Override
        public CompletionStage<Void> publish(byte[] message) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public int maxMessageBytes() {
            return 64 * 1024;
        }

        @Override
        public String description() {
            return "model";
        }

        @Override
        public Map<String, String> details() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }

    // ---- scenarios and options ------------------------------------------------------------------------------------

    /**
     * A forged message taking the real sender's next number, against the real one; a replay on the other connection
     * against a resubscription; a gap on one connection while the other delivers.
     */
    static List<ExecutionScenario> cases(Class<?> test) {
        return List.of(
                scenario(List.of(actor(test, "forge", 2)), List.of(actor(test, "deliver", 2)), List.of()),
                scenario(List.of(actor(test, "deliver", 2)), List.of(actor(test, "deliver", 2)),
                        List.of(actor(test, "resubscribe"))),
                scenario(List.of(actor(test, "deliver", 3)), List.of(actor(test, "forge", 3)),
                        List.of(actor(test, "resubscribe"))));
    }

    static ExecutionScenario scenario(List<Actor> first, List<Actor> second, List<Actor> third) {
        List<List<Actor>> threads = third.isEmpty() ? List.of(first, second) : List.of(first, second, third);
        return new ExecutionScenario(List.of(), threads, List.of(), null);
    }

    static Actor actor(Class<?> test, String name, Object... args) {
        Method method = Arrays.stream(test.getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == args.length)
                .findFirst().orElseThrow();
        return new Actor(method, List.of(args), false, false, false, false, false);
    }

    /**
     * The test's bookkeeping, the message codec (the fuzz test's) and logging are one step each for the model checker;
     * the receiver, its tracker and counters are not.
     */
    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .minimizeFailedScenario(false)
                .addGuarantee(forClasses(Deliveries.class.getName(), RecordingTarget.class.getName(),
                        InvalidationMessage.class.getName(), "org.slf4j.simple.SimpleLogger",
                        "org.slf4j.helpers.AbstractLogger", "org.slf4j.helpers.LegacyAbstractLogger")
                        .allMethods().treatAsAtomic());
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
    void everyDeliveredInvalidationIsAppliedAndEveryGapCounted() {
        casesOnly(ReceivePathModelCheckTest.class).check(ReceivePathModelCheckTest.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aReceiverThatSkipsDuplicatesIsCaught() {
        assertThatThrownBy(() -> casesOnly(SkipDuplicates.class).check(SkipDuplicates.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("delivered 1 times, applied 0 times");
    }

    /**
     * A broken variant: a receive path that decodes, asks the tracker, and applies the message only when the tracker
     * does not call it a duplicate.
     */
    @Param(name = "seq", gen = IntGen.class, conf = "2:3")
    public static class SkipDuplicates extends ReceivePathModelCheckTest {
        @Override
        InvalidationTransport.Listener receiver(InvalidatorRuntime runtime, InvalidationReceiver.Target target) {
            SequenceTracker tracker = new SequenceTracker(0, 1_000_000_000L, 1_000_000_000L, 16);
            return new InvalidationTransport.Listener() {
                @Override
                public void onMessage(byte[] bytes) {
                    InvalidationMessage m;
                    try {
                        m = InvalidationMessage.decode(bytes, new InvalidationMessage.Limits(1 << 16, 1 << 10));
                    } catch (InvalidationMessageFormatException e) {
                        return;
                    }
                    SequenceTracker.Verdict v = tracker.invalidation(m.sender(), m.senderStartMillis(), m.sequence(),
                            m.sentAtMillis(), 0, 0);
                    if (v.lost() > 0) {
                        runtime.counters.messagesLost.add(v.lost());
                    }
                    if (!v.duplicate()) {
                        for (Operation op : m.operations()) {
                            target.invalidate(op.target());
                        }
                    }
                }

                @Override
                public void onSubscribed() {
                    tracker.reset();
                    target.clear();
                }

                @Override
                public void onDisconnected(String reason) {
                }
            };
        }
    }
}
