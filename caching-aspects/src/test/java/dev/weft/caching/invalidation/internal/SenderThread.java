package dev.weft.caching.invalidation.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sender's thread (or the receiver's timers), without a thread: what is scheduled runs when {@link #runQueued}
 * is called, on the caller's thread, whatever its delay; the delays asked for are recorded. Once {@link #reject} is
 * called it refuses new tasks, as a shut-down executor does.
 */
final class SenderThread extends AbstractExecutorService implements ScheduledExecutorService {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<Long> delaysMillis = new ArrayList<>();
    private boolean rejecting;

    /** Runs the tasks queued now (not those they schedule), in order, whatever their delay. */
    void runQueued() {
        int n;
        synchronized (this) {
            n = tasks.size();
        }
        for (int i = 0; i < n; i++) {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
            }
            if (task != null) {
                task.run();
            }
        }
    }

    synchronized int queued() {
        return tasks.size();
    }

    /** The delay of every task scheduled so far, in milliseconds, in order. */
    synchronized List<Long> delaysMillis() {
        return List.copyOf(delaysMillis);
    }

    /** From now on, refuses every task (as a shut-down executor does). */
    synchronized void reject() {
        rejecting = true;
    }

    /** Queues the task; the sender ignores the returned future, so there is none. */
    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (rejecting) {
            throw new RejectedExecutionException("shut down");
        }
        delaysMillis.add(unit.toMillis(delay));
        tasks.add(command);
        return null;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                     TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
