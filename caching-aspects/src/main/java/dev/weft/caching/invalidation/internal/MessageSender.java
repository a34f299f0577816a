package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.InvalidationTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes operations with group commit: at most one message is in flight; operations that arrive meanwhile wait
 * and go out together in the next message, split so that no message exceeds the size limit.
 *
 * <p>Nothing is dropped. A failed publish is retried, with the same bytes and sequence number, after a backoff of
 * 50 ms doubling to 5 s, until it goes through or the sender is closed; messages stay in order. While the transport
 * is slow or down, operations queue. Past {@code maxPending}, a caller whose operations come faster than a healthy
 * transport takes them waits for room (back-pressure, at most the publish timeout); when the transport is failing,
 * or the wait times out, the queue collapses into one "clear everything", which covers every operation in it. An
 * operation too large for any message is replaced by a clear too. Peers learn of anything that never went through
 * from the next sequence number (a gap).
 *
 * <p>Thread-safe. The publish chain runs on the transport's completion threads and the scheduler; callers only
 * enqueue, and wait on their acknowledgement if they want it.
 */
public final class MessageSender {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSender.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

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
        final List<CompletableFuture<Void>> acks;

        Batch(byte[] bytes, long sequence, int operations, List<CompletableFuture<Void>> acks) {
            this.bytes = bytes;
            this.sequence = sequence;
            this.operations = operations;
            this.acks = acks;
        }
    }

    private final InvalidationTransport transport;
    private final UUID instanceId;
    private final long startMillis;
    private final String name;
    private final int maxBytes;
    private final int maxPending;
    private final ScheduledExecutorService scheduler;
    private final InvalidatorCounters counters;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Pending collapsedClear;
    private int queuedOperations;
    private boolean sending;
    private long nextSequence = 1;
    private volatile boolean closed;
    private volatile long giveUpAfterNanos = Long.MAX_VALUE;
    /** True from a failed publish to the next accepted one: then a full queue collapses at once, nobody waits. */
    private volatile boolean failing;
    private final long backPressureNanos;

    public MessageSender(InvalidationTransport transport, UUID instanceId, long startMillis, String name, int maxBytes,
                         int maxPending, long backPressureNanos, ScheduledExecutorService scheduler,
                         InvalidatorCounters counters) {
        this.backPressureNanos = backPressureNanos;
        this.transport = transport;
        this.instanceId = instanceId;
        this.startMillis = startMillis;
        this.name = name;
        this.maxBytes = maxBytes;
        this.maxPending = maxPending;
        this.scheduler = scheduler;
        this.counters = counters;
    }

    /**
     * Queues an operation. Returns the future completed when the message carrying it was accepted, or {@code null}
     * when {@code wantAck} is false.
     */
    public CompletableFuture<Void> send(Operation operation, boolean wantAck) {
        Operation op = fits(operation) ? operation : tooLarge(operation);
        CompletableFuture<Void> ack = wantAck ? new CompletableFuture<>() : null;
        boolean start = false;
        synchronized (lock) {
            if (closed) {
                LOG.warn("[{}] invalidation sender is closed; not publishing {}", name, op);
                if (ack != null) {
                    ack.completeExceptionally(new IllegalStateException("closed"));
                }
                return ack;
            }
            if (collapsedClear != null) {
                if (ack != null) {
                    collapsedClear.addAcks(List.of(ack));
                }
            } else if (queuedOperations >= maxPending && !awaitRoom()) {
                collapse(op, ack);
            } else if (collapsedClear != null) {
                // collapsed by another caller while this one waited: the clear covers this operation too
                if (ack != null) {
                    collapsedClear.addAcks(List.of(ack));
                }
            } else {
                queue.add(new Pending(op, ack));
                queuedOperations++;
            }
            if (!sending) {
                sending = true;
                start = true;
            }
        }
        if (start) {
            sendNext();
        }
        return ack;
    }

    /**
     * Guarded by lock: waits, while the transport is healthy, for the sender to take operations out of a full queue.
     * Returns whether there is room now.
     */
    private boolean awaitRoom() {
        if (failing) {
            return queuedOperations < maxPending;
        }
        long deadline = System.nanoTime() + backPressureNanos;
        try {
            while (queuedOperations >= maxPending && collapsedClear == null && !failing && !closed) {
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

    /** Guarded by lock: replaces the whole queue by one clear that carries every waiting acknowledgement. */
    private void collapse(Operation op, CompletableFuture<Void> ack) {
        Pending clear = new Pending(Operation.clear(), null);
        for (Pending p : queue) {
            clear.addAcks(p.acks);
        }
        if (ack != null) {
            clear.addAcks(List.of(ack));
        }
        LOG.warn("[{}] {} invalidations are waiting to be published ({}); replacing them with one 'clear everything' "
                + "message", name, queuedOperations + 1, failing ? "the transport is failing"
                : "the transport cannot keep up, even after waiting for room");
        queue.clear();
        queue.add(clear);
        queuedOperations = 1;
        collapsedClear = clear;
    }

    private boolean fits(Operation op) {
        return InvalidationMessage.HEADER_BYTES + op.encodedSize() <= maxBytes
                && (op.target() == null || op.encodedSize() - 3 <= InvalidationMessage.MAX_TARGET_BYTES);
    }

    private Operation tooLarge(Operation op) {
        LOG.error("[{}] an invalidation of {} UTF-8 bytes does not fit one message (limit {} bytes); publishing a "
                + "'clear everything' instead: {}", name, op.encodedSize(), maxBytes, abbreviate(op.target()));
        return Operation.clear();
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
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
            size += opSize;
            if (p.acks != null) {
                if (acks == null) {
                    acks = new ArrayList<>();
                }
                acks.addAll(p.acks);
            }
        }
        long sequence = nextSequence++;
        byte[] bytes = new InvalidationMessage(instanceId, startMillis, sequence, System.currentTimeMillis(), ops)
                .encode();
        return new Batch(bytes, sequence, ops.size(), acks);
    }

    private void attempt(Batch batch, int failures) {
        CompletionStage<Void> stage;
        try {
            stage = transport.publish(batch.bytes);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ok, failure) -> {
            if (failure == null) {
                failing = false;
                counters.messagesSent.increment();
                counters.operationsSent.add(batch.operations);
                counters.lastMessageSentMillis = System.currentTimeMillis();
                complete(batch.acks, null);
                sendNext();
                return;
            }
            counters.publishFailures.increment();
            if (!failing) {
                failing = true;
                synchronized (lock) {
                    // callers waiting for room stop waiting: the queue now collapses instead
                    lock.notifyAll();
                }
            }
            if (closed && System.nanoTime() - giveUpAfterNanos > 0) {
                LOG.error("[{}] giving up publishing message #{} ({} invalidations) at close: {}; peers will see the "
                        + "gap in sequence numbers only if this instance publishes again", name, batch.sequence,
                        batch.operations, failure.toString());
                complete(batch.acks, failure);
                abandonQueue(failure);
                return;
            }
            long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(failures, 10));
            if (failures == 0 || failures % 20 == 0) {
                LOG.warn("[{}] publishing message #{} ({} invalidations) failed ({}); retrying every {} ms at most",
                        name, batch.sequence, batch.operations, failure.toString(), MAX_BACKOFF_MILLIS);
            }
            try {
                scheduler.schedule(() -> attempt(batch, failures + 1), backoff, TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                complete(batch.acks, failure);
                abandonQueue(failure);
            }
        });
    }

    private void abandonQueue(Throwable why) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        synchronized (lock) {
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
        complete(acks, why);
    }

    private static void complete(List<CompletableFuture<Void>> acks, Throwable failure) {
        if (acks == null) {
            return;
        }
        for (CompletableFuture<Void> a : acks) {
            if (failure == null) {
                a.complete(null);
            } else {
                a.completeExceptionally(failure);
            }
        }
    }

    /** Operations waiting to be published. */
    public int pendingOperations() {
        synchronized (lock) {
            return queuedOperations;
        }
    }

    /**
     * Stops accepting operations, waits up to {@code timeoutMillis} for what is queued or in flight to be published,
     * then gives up on the rest (logged).
     */
    public void close(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
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
            if (sending || !queue.isEmpty()) {
                LOG.warn("[{}] closing with {} invalidations not yet published", name, queuedOperations);
            }
        }
    }
}
