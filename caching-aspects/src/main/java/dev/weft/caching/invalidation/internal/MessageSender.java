package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationTransport.PublishFailure;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.ProblemLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Publishes operations with group commit, and says that the instance is alive when it has nothing to say.
 *
 * <h2>Group commit</h2>
 * At most one message is in flight; operations that arrive meanwhile wait and go out together in the next message,
 * split so that no message exceeds the size limit. Each message gets the next sequence number.
 *
 * <h2>The circuit: writes never stall</h2>
 * <ul>
 *   <li><b>Closed</b> (healthy): an operation joins the queue; an {@code AWAIT_ACK} caller waits for the message that
 *       carries it (at most the publish timeout). Past {@code maxPending} queued operations, a caller waits for room
 *       (back-pressure) as long as the transport keeps accepting.</li>
 *   <li><b>Open</b> (the transport is known down: it says it cannot publish, or a publish failed): nobody waits. The queue behind the message in flight collapses into
 *       one "clear everything", which covers every operation that arrives until the transport is back, and callers
 *       waiting for an acknowledgement are released. The caller's thread never connects and never waits for a
 *       connection: retries run on the sender's own thread.</li>
 *   <li><b>Throttled</b> (the transport refused for load, e.g. Service Bus ServerBusy, or a message has gone
 *       unanswered for the publish timeout: slow is not down): nobody waits either, but nothing is lost or collapsed:
 *       operations queue as they are (collapsing only past {@code maxPending}), and retries back off longer, so that
 *       a broker under pressure does not get a fleet-wide clear on top. An attempt unanswered for a minute (at least
 *       four publish timeouts) is given up and retried as a failure.</li>
 * </ul>
 * A publish that succeeds closes the circuit. A failed message is retried with its same bytes and number, 50 ms
 * after the failure, doubling to 1 s (to 10 s while throttled), until it goes through or the sender is closed;
 * messages stay in order. An operation too large for any message, and a message the broker refuses as too large, is
 * replaced by a clear (under the same number).
 *
 * <h2>Heartbeats and goodbye</h2>
 * When the transport accepted nothing for a heartbeat interval, {@link #tick} publishes a heartbeat carrying the
 * number of the last message it accepted: by then the transport has that message, so a peer that receives the
 * heartbeat without it knows the message was lost. A message on its way for longer than a quarter of the bound (stuck
 * in a transport's retries) is declared too: peers then treat it as possibly lost in time to keep the bound, and apply
 * it whenever it arrives. {@link #close} ends with a goodbye carrying the
 * last number assigned (sent or not), so peers see what never went out.
 *
 * <p>Thread-safe. Callers only enqueue (and start the first attempt, which does not block: transports publish
 * asynchronously); retries, heartbeats and the attempt watchdog run on {@code executor}.
 */
public final class MessageSender {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSender.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 1_000;
    private static final long MAX_THROTTLED_BACKOFF_MILLIS = 10_000;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** The circuit's state (see the class comment). */
    public enum Circuit {
        CLOSED, OPEN, THROTTLED
    }

    private static final class Pending {
        final Operation operation;
        List<CompletableFuture<Void>> acks;

        Pending(Operation operation, CompletableFuture<Void> ack) {
            this.operation = operation;
            if (ack != null) {
                acks = new ArrayList<>(1);
                acks.add(ack);
            }
        }

        void addAcks(List<CompletableFuture<Void>> more) {
            if (more == null || more.isEmpty()) {
                return;
            }
            if (acks == null) {
                acks = new ArrayList<>(more.size());
            }
            acks.addAll(more);
        }
    }

    private static final class Batch {
        final byte[] bytes;
        final long sequence;
        final int operations;
        final long sentAtMillis;
        /** Carries a "clear everything": covers every operation issued before peers receive it. */
        final boolean clearsAll;
        /** Completed on acceptance, or released early when the circuit opens; guarded by the sender's lock. */
        List<CompletableFuture<Void>> acks;
        /** Set before the first attempt that reaches the transport: from then on peers may have it. */
        volatile boolean handedOver;

        Batch(byte[] bytes, long sequence, int operations, long sentAtMillis, boolean clearsAll,
              List<CompletableFuture<Void>> acks) {
            this.bytes = bytes;
            this.sequence = sequence;
            this.operations = operations;
            this.sentAtMillis = sentAtMillis;
            this.clearsAll = clearsAll;
            this.acks = acks;
        }
    }

    /** The attempt in flight: its batch and when it started, for the watchdog. */
    private static final class Attempt {
        final long id;
        final Batch batch;
        final int failures;
        final long startNanos;

        Attempt(long id, Batch batch, int failures, long startNanos) {
            this.id = id;
            this.batch = batch;
            this.failures = failures;
            this.startNanos = startNanos;
        }
    }

    private final InvalidationTransport transport;
    private final UUID instanceId;
    private final long startMillis;
    private final String name;
    private final MessageSigner signer;
    /** Bytes of a message before its signature. */
    private final int maxBytes;
    private final int maxPending;
    private final long publishTimeoutNanos;
    private final long heartbeatNanos;
    private final long stuckNanos;
    private final ScheduledExecutorService executor;
    private final InvalidatorCounters counters;
    private final ProblemLog problems;
    /** Times attempts (for the watchdog) and publishes (for heartbeats); waits use System.nanoTime. */
    private final LongSupplier clock;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Pending collapsedClear;
    /** The message drained last, until the transport accepted it. */
    private Batch current;
    private int queuedOperations;
    private boolean sending;
    private long nextSequence = 1;
    private volatile boolean closed;
    private volatile long giveUpAfterNanos = Long.MAX_VALUE;
    private volatile Circuit circuit = Circuit.CLOSED;
    private volatile long lastAcceptedSequence;
    private volatile long lastPublishNanos;
    private volatile boolean heartbeatInFlight;
    private final AtomicReference<Attempt> inFlight = new AtomicReference<>();
    private final AtomicLong attemptIds = new AtomicLong();

    /**
     * @param signer              signs every message, or {@code null}
     * @param maxBytes            the largest message the transport takes, signature included
     * @param publishTimeoutNanos how long callers wait for room or an acknowledgement, and how long an attempt may go
     *                            unanswered before it counts as failed
     * @param stuckNanos          how long a message may be on its way before heartbeats declare its number
     * @param executor            the sender's own thread: retries, heartbeats, the watchdog
     */
    public MessageSender(InvalidationTransport transport, UUID instanceId, long startMillis, String name,
                         MessageSigner signer, int maxBytes, int maxPending, long publishTimeoutNanos,
                         long heartbeatNanos, long stuckNanos, ScheduledExecutorService executor,
                         InvalidatorCounters counters, ProblemLog problems) {
        this(transport, instanceId, startMillis, name, signer, maxBytes, maxPending, publishTimeoutNanos,
                heartbeatNanos, stuckNanos, executor, counters, problems, System::nanoTime);
    }

    /** As above, with the clock that times attempts and publishes (tests: the watchdog's minute). */
    MessageSender(InvalidationTransport transport, UUID instanceId, long startMillis, String name,
                  MessageSigner signer, int maxBytes, int maxPending, long publishTimeoutNanos,
                  long heartbeatNanos, long stuckNanos, ScheduledExecutorService executor,
                  InvalidatorCounters counters, ProblemLog problems, LongSupplier clock) {
        this.clock = clock;
        this.lastPublishNanos = clock.getAsLong();
        this.stuckNanos = stuckNanos;
        this.transport = transport;
        this.instanceId = instanceId;
        this.startMillis = startMillis;
        this.name = name;
        this.signer = signer;
        this.maxBytes = maxBytes - (signer == null ? 0 : InvalidationMessage.SIGNATURE_BYTES);
        this.maxPending = maxPending;
        this.publishTimeoutNanos = publishTimeoutNanos;
        this.heartbeatNanos = heartbeatNanos;
        this.executor = executor;
        this.counters = counters;
        this.problems = problems;
    }

    /**
     * Queues an operation. Returns {@code null} when {@code wantAck} is false; otherwise a future completed when the
     * message carrying it was accepted, or at once (already complete) when the circuit is not closed, or stopped being
     * closed while the caller waited for room: the operation is then deferred, and the caller must not wait. A caller
     * that stops waiting completes the future exceptionally: a later release then does not count it as deferred.
     */
    public CompletableFuture<Void> send(Operation operation, boolean wantAck) {
        Operation op = fits(operation) ? operation : tooLarge(operation);
        CompletableFuture<Void> ack = null;
        boolean startHere = false;
        boolean startOnExecutor = false;
        List<CompletableFuture<Void>> released;
        synchronized (lock) {
            if (closed) {
                problems.warn("closed-sender", "[{}] the invalidation sender is closed; an invalidation ({}) is not "
                        + "published", name, op.kind());
                return wantAck ? DONE : null;
            }
            released = transport.canPublish() ? List.of() : tripLocked(Circuit.OPEN, null);
            Circuit c = circuit;
            if (c != Circuit.CLOSED) {
                counters.deferredInvalidations.increment();
                if (c == Circuit.OPEN || queuedOperations >= maxPending) {
                    joinClear(op, null, c == Circuit.OPEN ? "the transport is down"
                            : "the transport is throttled and the queue is full");
                } else {
                    queue.add(new Pending(op, null));
                    queuedOperations++;
                }
                ack = wantAck ? DONE : null;
                if (!sending) {
                    sending = true;
                    startOnExecutor = true;
                }
            } else {
                ack = wantAck ? new CompletableFuture<>() : null;
                if (collapsedClear != null) {
                    if (ack != null) {
                        collapsedClear.addAcks(List.of(ack));
                    }
                } else if (queuedOperations >= maxPending && !awaitRoom()) {
                    joinClear(op, ack, "the transport cannot keep up, even after waiting for room");
                } else if (collapsedClear != null) {
                    // collapsed by another caller while this one waited: the clear covers this operation too
                    if (ack != null) {
                        collapsedClear.addAcks(List.of(ack));
                    }
                } else {
                    queue.add(new Pending(op, ack));
                    queuedOperations++;
                }
                if (ack != null && circuit != Circuit.CLOSED) {
                    // the circuit left the closed state while this caller waited for room: nobody waits now
                    released = List.of(ack);
                }
                if (!sending) {
                    sending = true;
                    startHere = true;
                }
            }
        }
        release(released);
        if (startHere) {
            sendNext();
        } else if (startOnExecutor) {
            dispatch(this::sendNext);
        }
        return ack;
    }

    /** The circuit's state. */
    public Circuit circuit() {
        return circuit;
    }

    /**
     * Guarded by lock: waits, while the circuit is closed, for the sender to take operations out of a full queue.
     * Returns whether there is room now.
     */
    private boolean awaitRoom() {
        long deadline = System.nanoTime() + publishTimeoutNanos;
        try {
            while (queuedOperations >= maxPending && collapsedClear == null && circuit == Circuit.CLOSED && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return queuedOperations < maxPending || collapsedClear != null;
    }

    /**
     * Guarded by lock: makes the queue one clear that covers {@code op} and carries every waiting acknowledgement
     * (or joins the clear already there).
     */
    private void joinClear(Operation op, CompletableFuture<Void> ack, String why) {
        if (collapsedClear != null) {
            if (ack != null) {
                collapsedClear.addAcks(List.of(ack));
            }
            return;
        }
        if (queue.isEmpty() && current != null && current.clearsAll && !current.handedOver && ack == null) {
            // the clear on its way was never handed to the transport (it waits for the transport to come back): it
            // reaches peers after this operation, so it covers it. One handed over may have reached peers before the
            // write this operation follows, even if it is retried (MessageSenderModelCheckTest#clearInFlight)
            return;
        }
        Pending clear = new Pending(Operation.clear(), null);
        for (Pending p : queue) {
            clear.addAcks(p.acks);
        }
        if (ack != null) {
            clear.addAcks(List.of(ack));
        }
        int replaced = queuedOperations + (op == null ? 0 : 1);
        problems.warn("collapse", "[{}] {} invalidation(s) could not be published now ({}); they are replaced by one "
                + "'clear everything', published when the transport takes it", name, replaced, why);
        queue.clear();
        queue.add(clear);
        queuedOperations = 1;
        collapsedClear = clear;
    }

    private boolean fits(Operation op) {
        return InvalidationMessage.HEADER_BYTES + op.encodedSize() <= maxBytes;
    }

    private Operation tooLarge(Operation op) {
        problems.error("too-large", "[{}] an invalidation ({}) of {} UTF-8 bytes does not fit one message (limit {} "
                + "bytes); publishing a 'clear everything' instead", name, op.kind(), op.encodedSize(), maxBytes);
        if (LOG.isDebugEnabled()) {
            LOG.debug("[{}] the invalidation too large to publish: {}", name, abbreviate(op.target()));
        }
        return Operation.clear();
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    private byte[] encode(InvalidationMessage m) {
        byte[] bytes = m.encode();
        return signer == null ? bytes : signer.sign(bytes);
    }

    private void sendNext() {
        Batch batch;
        synchronized (lock) {
            if (queue.isEmpty()) {
                sending = false;
                lock.notifyAll();
                return;
            }
            batch = drain();
            // room in the queue for callers held by back-pressure
            lock.notifyAll();
        }
        attempt(batch, 0);
    }

    /** Guarded by lock: takes the operations of the next message. */
    private Batch drain() {
        List<Operation> ops = new ArrayList<>();
        List<CompletableFuture<Void>> acks = null;
        boolean clearsAll = false;
        int size = InvalidationMessage.HEADER_BYTES;
        while (!queue.isEmpty()) {
            Pending p = queue.peek();
            int opSize = p.operation.encodedSize();
            if (!ops.isEmpty() && size + opSize > maxBytes) {
                break;
            }
            queue.poll();
            queuedOperations--;
            if (p == collapsedClear) {
                collapsedClear = null;
            }
            ops.add(p.operation);
            clearsAll |= p.operation.kind() == InvalidationMessage.Kind.CLEAR;
            size += opSize;
            if (p.acks != null) {
                if (acks == null) {
                    acks = new ArrayList<>();
                }
                acks.addAll(p.acks);
            }
        }
        long sequence = nextSequence++;
        long now = System.currentTimeMillis();
        byte[] bytes = encode(new InvalidationMessage(instanceId, startMillis, sequence, now, ops));
        current = new Batch(bytes, sequence, ops.size(), now, clearsAll, acks);
        return current;
    }

    private void attempt(Batch batch, int failures) {
        Attempt a = new Attempt(attemptIds.incrementAndGet(), batch, failures, clock.getAsLong());
        inFlight.set(a);
        CompletionStage<Void> stage;
        if (!transport.canPublish()) {
            // not even handed over: a transport that knows it is down might otherwise buffer the message
            stage = CompletableFuture.failedFuture(new IllegalStateException("the transport is down"));
        } else {
            try {
                batch.handedOver = true;
                stage = transport.publish(batch.bytes);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
        }
        stage.whenComplete((ok, failure) -> finish(a, failure));
    }

    /** Ends an attempt, once: by the transport's answer, or by the watchdog. */
    private void finish(Attempt a, Throwable failure) {
        if (!inFlight.compareAndSet(a, null)) {
            return; // the watchdog gave up on it already; its late answer changes nothing
        }
        Batch batch = a.batch;
        if (failure == null) {
            circuit = Circuit.CLOSED;
            lastAcceptedSequence = batch.sequence;
            lastPublishNanos = clock.getAsLong();
            counters.messagesSent.increment();
            counters.operationsSent.add(batch.operations);
            counters.lastMessageSentMillis = System.currentTimeMillis();
            complete(takeAcks(batch));
            sendNext();
            return;
        }
        Throwable cause = unwrap(failure);
        PublishFailure kind = classify(cause);
        counters.publishFailures.increment();
        if (kind == PublishFailure.TOO_LARGE) {
            problems.error("refused-too-large", "[{}] the transport refused message #{} ({} invalidations) as too "
                    + "large ({}); publishing a 'clear everything' under the same number instead (set a smaller "
                    + "maxMessageBytes)", name, batch.sequence, batch.operations, cause.toString());
            Batch clear = new Batch(encode(new InvalidationMessage(instanceId, startMillis, batch.sequence,
                    batch.sentAtMillis, List.of(Operation.clear()))), batch.sequence, 1, batch.sentAtMillis, true,
                    takeAcks(batch));
            synchronized (lock) {
                current = clear;
            }
            dispatch(() -> attempt(clear, a.failures + 1));
            return;
        }
        trip(kind == PublishFailure.THROTTLED ? Circuit.THROTTLED : Circuit.OPEN, batch);
        if (closed && System.nanoTime() - giveUpAfterNanos > 0) {
            LOG.error("[{}] giving up publishing message #{} ({} invalidations) at close: {}; peers see the gap from "
                    + "this instance's goodbye, or notice its silence", name, batch.sequence, batch.operations,
                    cause.toString());
            complete(takeAcks(batch));
            abandonQueue();
            return;
        }
        long cap = kind == PublishFailure.THROTTLED ? MAX_THROTTLED_BACKOFF_MILLIS : MAX_BACKOFF_MILLIS;
        long first = kind == PublishFailure.THROTTLED ? 4 * FIRST_BACKOFF_MILLIS : FIRST_BACKOFF_MILLIS;
        long backoff = Math.min(cap, first << Math.min(a.failures, 10));
        problems.warn(kind == PublishFailure.THROTTLED ? "publish-throttled" : "publish-failed",
                "[{}] publishing message #{} ({} invalidations) failed{} ({}); retrying, at most every {} ms; "
                + "invalidations do not wait meanwhile", name, batch.sequence, batch.operations,
                kind == PublishFailure.THROTTLED ? ": the transport is throttling" : "", cause.toString(), cap);
        dispatchLater(() -> attempt(batch, a.failures + 1), backoff);
    }

    /** Moves the circuit to {@code to} (see {@link #tripLocked}). */
    private void trip(Circuit to, Batch inFlightBatch) {
        List<CompletableFuture<Void>> released;
        synchronized (lock) {
            released = tripLocked(to, inFlightBatch);
        }
        release(released);
    }

    /**
     * Guarded by lock: moves the circuit to {@code to} (open or throttled). Leaving the closed state releases every
     * caller waiting for an acknowledgement (the in-flight or drained message's and the queued ones': nobody waits
     * while the transport is down or throttled); opening collapses the queue behind the message in flight into one
     * clear.
     * Returns the acknowledgements to complete, outside the lock.
     *
     * @param inFlightBatch the batch whose attempt just failed (no longer in {@link #inFlight}), or {@code null}
     */
    private List<CompletableFuture<Void>> tripLocked(Circuit to, Batch inFlightBatch) {
        Circuit previous = circuit;
        circuit = to;
        if (previous == to || previous == Circuit.OPEN) {
            return List.of();
        }
        List<CompletableFuture<Void>> released = new ArrayList<>();
        Attempt a = inFlight.get();
        // current: a message drained but not yet in flight (its attempt is about to start) has callers waiting too
        for (Batch b : new Batch[] {inFlightBatch, a == null ? null : a.batch, current}) {
            if (b != null && b.acks != null) {
                released.addAll(b.acks);
                b.acks = null;
            }
        }
        for (Pending p : queue) {
            if (p.acks != null) {
                released.addAll(p.acks);
                p.acks = null;
            }
        }
        if (to == Circuit.OPEN && !queue.isEmpty()) {
            joinClear(null, null, "the transport is down");
        }
        // callers held by back-pressure stop waiting: the queue collapses instead
        lock.notifyAll();
        return released;
    }

    /**
     * Completes the acknowledgements of callers that must not wait now, and counts them as deferred: only those this
     * call completes, since a caller that gave up waiting completed its own (exceptionally) and counts itself as a
     * publish timeout. Each call is thus counted once, whichever of the two came first.
     */
    private void release(List<CompletableFuture<Void>> released) {
        int deferred = 0;
        for (CompletableFuture<Void> a : released) {
            if (a.complete(null)) {
                deferred++;
            }
        }
        if (deferred > 0) {
            counters.deferredInvalidations.add(deferred);
        }
    }

    private List<CompletableFuture<Void>> takeAcks(Batch batch) {
        synchronized (lock) {
            if (current == batch) {
                current = null;
            }
            List<CompletableFuture<Void>> acks = batch.acks;
            batch.acks = null;
            return acks;
        }
    }

    private PublishFailure classify(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return PublishFailure.DOWN;
        }
        try {
            PublishFailure kind = transport.classifyPublishFailure(cause);
            return kind == null ? PublishFailure.DOWN : kind;
        } catch (RuntimeException e) {
            return PublishFailure.DOWN;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void dispatch(Runnable task) {
        dispatchLater(task, 0);
    }

    private void dispatchLater(Runnable task, long delayMillis) {
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // the executor is shut down: the sender is closed, nothing more goes out, and nobody may wait for the
            // message the task would have sent (the clear replacing one refused as too large, a retry)
            abandonQueue();
        }
    }

    /**
     * Gives up the queue and the message drained but not in flight (every caller of {@link #dispatchLater} has no
     * attempt in flight: {@link #current}, if any, is the message its task would have sent), and releases their
     * callers as close does: completed normally, not counted.
     */
    private void abandonQueue() {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        synchronized (lock) {
            if (current != null && current.acks != null) {
                acks.addAll(current.acks);
                current.acks = null;
            }
            for (Pending p : queue) {
                if (p.acks != null) {
                    acks.addAll(p.acks);
                }
            }
            queue.clear();
            queuedOperations = 0;
            collapsedClear = null;
            sending = false;
            lock.notifyAll();
        }
        complete(acks);
    }

    /** Completes acknowledgements normally: a caller learns nothing more from a failure than from a release. */
    private static void complete(List<CompletableFuture<Void>> acks) {
        if (acks == null) {
            return;
        }
        for (CompletableFuture<Void> a : acks) {
            a.complete(null);
        }
    }

    /**
     * Called on the executor every few hundred milliseconds: gives up on an attempt unanswered for the publish
     * timeout (it is retried), and sends a heartbeat when nothing was published for a heartbeat interval.
     */
    public void tick() {
        long now = clock.getAsLong();
        Attempt a = inFlight.get();
        if (a != null && now - a.startNanos > abandonAfterNanos()) {
            finish(a, new TimeoutException("no answer from the transport within "
                    + TimeUnit.NANOSECONDS.toMillis(abandonAfterNanos()) + " ms"));
        } else if (a != null && now - a.startNanos > publishTimeoutNanos && circuit == Circuit.CLOSED) {
            // slow is not down: the transport may be retrying a throttled send (the Azure SDK does, for seconds).
            // Nobody waits any longer, and nothing is collapsed into a clear
            trip(Circuit.THROTTLED, null);
            problems.warn("publish-slow", "[{}] the transport has not answered message #{} for {} ms; invalidations do "
                    + "not wait meanwhile", name, a.batch.sequence, TimeUnit.NANOSECONDS.toMillis(now - a.startNanos));
        }
        if (circuit == Circuit.CLOSED && !transport.canPublish()) {
            trip(Circuit.OPEN, null); // whoever waits for the message in flight stops waiting
        }
        if (closed || heartbeatInFlight || now - lastPublishNanos < heartbeatNanos) {
            return;
        }
        if (!transport.canPublish()) {
            trip(Circuit.OPEN, null);
            return;
        }
        // Nothing was accepted for an interval: say so, whether or not a message is on its way. A message stuck for
        // longer than stuckNanos (a quarter of the bound) is declared, so that peers treat it as possibly lost in time
        // to keep the bound, rather than wait for a transport that may keep retrying it for minutes.
        long last = lastAcceptedSequence;
        Attempt stuck = inFlight.get();
        if (stuck != null && now - stuck.startNanos >= stuckNanos) {
            last = Math.max(last, stuck.batch.sequence);
        }
        heartbeatInFlight = true;
        publishControl(InvalidationMessage.heartbeat(instanceId, startMillis, last,
                System.currentTimeMillis())).whenComplete((ok, failure) -> {
                    heartbeatInFlight = false;
                    if (failure == null) {
                        lastPublishNanos = clock.getAsLong();
                        counters.heartbeatsSent.increment();
                        circuit = Circuit.CLOSED;
                    } else {
                        Throwable cause = unwrap(failure);
                        counters.heartbeatFailures.increment();
                        trip(classify(cause) == PublishFailure.THROTTLED ? Circuit.THROTTLED : Circuit.OPEN, null);
                        problems.warn("heartbeat-failed", "[{}] publishing a heartbeat failed ({})", name,
                                cause.toString());
                    }
                });
    }

    private CompletableFuture<Void> publishControl(InvalidationMessage m) {
        try {
            return transport.publish(encode(m)).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * How long an attempt may go unanswered before it is given up and retried: long, because the transport usually
     * answers in the end (Lettuce fails a command after its timeout, the Azure SDK after its retries), and a second
     * attempt beside the first only duplicates the message.
     */
    private long abandonAfterNanos() {
        return Math.max(TimeUnit.SECONDS.toNanos(60), 4 * publishTimeoutNanos);
    }

    /** Operations waiting to be published. */
    public int pendingOperations() {
        synchronized (lock) {
            return queuedOperations;
        }
    }

    /** The number of the last message the transport accepted (0 before the first). */
    public long lastAcceptedSequence() {
        return lastAcceptedSequence;
    }

    /**
     * Stops accepting operations, waits up to {@code timeoutMillis} for what is queued or in flight to be published,
     * gives up on the rest (logged), then publishes a goodbye with the last number assigned (waiting for it within
     * what is left of the time, at least a moment).
     */
    public void close(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long finalSequence;
        boolean flushed;
        synchronized (lock) {
            closed = true;
            giveUpAfterNanos = deadline;
            lock.notifyAll(); // callers held by back-pressure stop waiting
            try {
                while (sending || !queue.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flushed = !sending && queue.isEmpty();
            if (!flushed) {
                LOG.warn("[{}] closing with {} invalidation(s) not yet published", name, queuedOperations);
            }
            finalSequence = nextSequence - 1;
        }
        if (!flushed && (circuit == Circuit.OPEN || !transport.canPublish())) {
            return; // the transport is down: the goodbye could not go either; peers notice the silence
        }
        long left = Math.max(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime());
        try {
            publishControl(InvalidationMessage.goodbye(instanceId, startMillis, finalSequence,
                    System.currentTimeMillis())).get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("[{}] the goodbye (last message #{}) was not published ({}); peers notice this instance's "
                    + "silence instead", name, finalSequence, unwrap(e).toString());
        }
    }
}
