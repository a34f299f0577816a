package dev.weft.caching.redis.backend.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Redis level's commands, each bounded by the command timeout and skipped while the {@link Circuit} is open. A
 * command that fails or times out trips the circuit; the caller gets {@code null} and goes on without Redis.
 *
 * <p>Invalidations that could not reach Redis are kept (bounded: past {@value #MAX_PENDING} they collapse into one
 * clear) and the circuit stays open until they are applied: this instance must not read back from Redis a value it
 * could not invalidate there.
 */
public final class L2Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(L2Store.class);
    static final int MAX_PENDING = 10_000;

    /** What {@link Script#READ} found. */
    public static final class Found {
        public final int state;
        public final byte[] value;
        public final long freshLeftMillis;
        public final long slidingMillis;
        public final long failSafeMillis;
        public final long refreshLeftMillis;
        public final String stamp;
        public final String dependencies;

        Found(List<?> reply) {
            this.state = ((Long) reply.get(0)).intValue();
            this.value = (byte[]) reply.get(1);
            this.freshLeftMillis = (Long) reply.get(2);
            this.slidingMillis = (Long) reply.get(3);
            this.failSafeMillis = (Long) reply.get(4);
            this.refreshLeftMillis = (Long) reply.get(5);
            this.stamp = text(reply.get(6));
            this.dependencies = text(reply.get(7));
        }
    }

    /** A read for fleet-wide single flight: the entry, or who holds the lease. */
    public static final class Polled {
        public final Found found;
        public final String leaseHolder;

        Polled(Found found, String leaseHolder) {
            this.found = found;
            this.leaseHolder = leaseHolder;
        }
    }

    /** What a load's store is fenced by: its shard's count, the server's time, the epoch, when it began. */
    public static final class Fence {
        public final int shard;
        public final String count;
        public final long serverMillis;
        public final String epoch;
        public final long beganNanos = System.nanoTime();

        Fence(int shard, String count, long serverMillis, String epoch) {
            this.shard = shard;
            this.count = count;
            this.serverMillis = serverMillis;
            this.epoch = epoch;
        }
    }

    /** How a store ended. */
    public enum Stored { STORED, REFUSED, HELD_BACK, FAILED }

    private static final byte[] MODE_GET = bytes("g");
    private static final byte[] MODE_READ = bytes("r");
    private static final byte[] MODE_POLL = bytes("p");
    private static final Found ABSENT = null;

    private final String name;
    private final Supplier<L2Connection> connector;
    private final KeyLayout layout;
    private final long timeoutNanos;
    private final long retentionMillis;
    private final L2Counters counters;
    private final Circuit circuit;
    private final byte[] epochCandidate;
    private final Set<String> pending = new LinkedHashSet<>();
    private boolean pendingClear;
    private volatile L2Connection connection;
    private final KeptInvalidations kept;

    /** Told of each invalidation kept while Redis was unreachable, once it is applied to Redis. */
    public interface KeptInvalidations {
        /**
         * {@code kind} is {@code 'k'} (key), {@code 'd'} (dependency) or {@code 'c'} (clear, {@code target} null).
         * Runs on the circuit's probe, before the circuit closes.
         */
        void applied(char kind, String target);
    }

    /**
     * @param connector opens the connection (called at start and, while none is open, by the circuit's probe)
     * @param kept      told of each kept invalidation once Redis has it
     */
    public L2Store(String name, Supplier<L2Connection> connector, boolean requireConnection, KeyLayout layout,
                   long timeoutNanos, long retryNanos, long retentionMillis, L2Counters counters,
                   ScheduledExecutorService scheduler, KeptInvalidations kept) {
        this.name = name;
        this.connector = connector;
        this.kept = kept;
        this.layout = layout;
        this.timeoutNanos = timeoutNanos;
        this.retentionMillis = retentionMillis;
        this.counters = counters;
        this.epochCandidate = bytes(java.util.UUID.randomUUID().toString());
        this.circuit = new Circuit(name, scheduler, retryNanos, this::probe, counters);
        try {
            connect();
        } catch (RuntimeException e) {
            if (requireConnection) {
                throw e;
            }
            LOG.warn("[{}] cannot connect to Redis ({}); starting without the Redis level", name, e.toString());
            circuit.trip("cannot connect at start");
        }
    }

    private synchronized void connect() {
        if (connection == null) {
            L2Connection c = connector.get();
            c.listen(new L2Connection.Listener() {
                @Override
                public void disconnected() {
                    circuit.trip("connection lost");
                }

                @Override
                public void reconnected() {
                    // the circuit's probe closes it once pending invalidations are done
                }
            });
            connection = c;
        }
    }

    public KeyLayout layout() {
        return layout;
    }

    public Circuit circuit() {
        return circuit;
    }

    /** Whether calls may use Redis now. */
    public boolean available() {
        if (circuit.allows()) {
            return true;
        }
        counters.bypassed.increment();
        return false;
    }

    // ---- reads --------------------------------------------------------------------------------------------------

    /** The entry of {@code key} if it is fresh ({@code freshOnly}) or may serve the load path; null if none or down. */
    public Found read(String key, boolean freshOnly) {
        int n = layout.shardOf(key);
        long start = System.nanoTime();
        Object reply = await(run(Script.READ, new byte[][] {layout.entryKey(n, key), layout.leaseKey(n, key)},
                bytes(layout.base(n)), bytes(key), freshOnly ? MODE_GET : MODE_READ), "read");
        counters.reads.increment();
        counters.readNanos.add(System.nanoTime() - start);
        if (!(reply instanceof List)) {
            return null;
        }
        List<?> list = (List<?>) reply;
        if ((Long) list.get(0) < 0) {
            counters.misses.increment();
            return ABSENT;
        }
        counters.hits.increment();
        return new Found(list);
    }

    /** A fresh entry of {@code key}, or else the lease holder (taking the lease for {@code owner} if free). */
    public Polled poll(String key, String owner, long leaseMillis) {
        int n = layout.shardOf(key);
        Object reply = await(run(Script.READ, new byte[][] {layout.entryKey(n, key), layout.leaseKey(n, key)},
                bytes(layout.base(n)), bytes(key), MODE_POLL, bytes(owner), bytes(Long.toString(leaseMillis))),
                "lease");
        if (!(reply instanceof List)) {
            return null;
        }
        List<?> list = (List<?>) reply;
        if ((Long) list.get(0) < 0) {
            return new Polled(null, text(list.get(1)));
        }
        return new Polled(new Found(list), null);
    }

    // ---- loads --------------------------------------------------------------------------------------------------

    /** Begins a load of {@code key}: its fence, or null when Redis is unreachable. */
    public Fence begin(String key) {
        int n = layout.shardOf(key);
        Object reply = await(run(Script.BEGIN, new byte[][] {layout.seqKey(n)}, bytes(layout.base(n)),
                epochCandidate), "begin a load");
        if (!(reply instanceof List)) {
            return null;
        }
        List<?> list = (List<?>) reply;
        return new Fence(n, text(list.get(0)), (Long) list.get(1), text(list.get(2)));
    }

    /** Stores a load's result, fenced; releases the lease {@code leaseOwner} holds (may be null). */
    public Stored write(Fence fence, String key, long guardSinceMillis, byte[] value, long absoluteMillis,
                        long slidingMillis, long failSafeMillis, long refreshMillis, String stamp, String leaseOwner,
                        String dependencies) {
        int n = fence.shard;
        Object reply = await(run(Script.WRITE, new byte[][] {layout.seqKey(n)}, bytes(layout.base(n)), bytes(key),
                bytes(fence.count), bytes(Long.toString(guardSinceMillis)), bytes(fence.epoch), value,
                bytes(Long.toString(absoluteMillis)), bytes(Long.toString(slidingMillis)),
                bytes(Long.toString(failSafeMillis)), bytes(Long.toString(refreshMillis)), bytes(stamp),
                bytes(leaseOwner == null ? "" : leaseOwner), bytes(dependencies)), "store");
        if (!(reply instanceof Long)) {
            return Stored.FAILED;
        }
        long r = (Long) reply;
        if (r == 1) {
            counters.writes.increment();
            return Stored.STORED;
        }
        if (r == 2) {
            counters.writesHeldBack.increment();
            return Stored.HELD_BACK;
        }
        counters.writesRefused.increment();
        return Stored.REFUSED;
    }

    /**
     * Whether a store with this fence would be refused now, or cannot be told (no answer from Redis): fails closed.
     * {@code dependencies} null when not known yet.
     */
    public boolean isStale(Fence fence, String key, String dependencies) {
        int n = fence.shard;
        Object reply = await(run(Script.CHECK, new byte[][] {layout.seqKey(n)}, bytes(layout.base(n)), bytes(key),
                bytes(fence.count), bytes("-1"), bytes(fence.epoch), bytes(dependencies == null ? "?" : dependencies)),
                "check a load");
        return !(reply instanceof Long) || (Long) reply != 0;
    }

    /** Releases a lease, without waiting. */
    public void release(String key, String owner) {
        L2Connection c = connection;
        if (c == null || !circuit.allows()) {
            return; // it expires
        }
        int n = layout.shardOf(key);
        c.run(Script.RELEASE, new byte[][] {layout.leaseKey(n, key)}, bytes(owner)).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("[{}] releasing the lease of {} failed; it expires", name, key, e);
            }
        });
    }

    // ---- invalidations ------------------------------------------------------------------------------------------

    /**
     * Invalidates a key ({@code 'k'}), a dependency ({@code 'd'}) or everything ({@code 'c'}, target null) in every
     * shard, in parallel. Returns whether every shard did it; what could not be done is kept and done before the
     * circuit closes again.
     */
    public boolean invalidate(char kind, String target) {
        counters.invalidations.increment();
        if (!circuit.allows() || connection == null) {
            keep(kind, target);
            return false;
        }
        if (!apply(kind, target)) {
            keep(kind, target);
            return false;
        }
        return true;
    }

    private boolean apply(char kind, String target) {
        L2Connection c = connection;
        if (c == null) {
            return false;
        }
        int owner = target == null ? -1 : layout.shardOf(target);
        List<CompletableFuture<Object>> all = new ArrayList<>(layout.shards());
        byte[] retention = bytes(Long.toString(retentionMillis));
        byte[] kindBytes = bytes(String.valueOf(kind));
        byte[] targetBytes = target == null ? new byte[0] : bytes(target);
        for (int n = 0; n < layout.shards(); n++) {
            all.add(c.run(Script.INVALIDATE, new byte[][] {layout.seqKey(n)}, bytes(layout.base(n)), retention,
                    kindBytes, targetBytes, bytes(kind == 'k' && n == owner ? "1" : "0")));
        }
        await(CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])), "invalidate");
        return allDone(all);
    }

    private static boolean allDone(List<CompletableFuture<Object>> all) {
        for (CompletableFuture<Object> f : all) {
            if (!f.isDone() || f.isCompletedExceptionally()) {
                return false;
            }
        }
        return true;
    }

    private synchronized void keep(char kind, String target) {
        if (pendingClear) {
            return;
        }
        if (kind == 'c' || pending.size() >= MAX_PENDING) {
            if (kind != 'c') {
                LOG.warn("[{}] more than {} invalidations could not reach Redis; the Redis level will be cleared when "
                        + "it is back", name, MAX_PENDING);
            }
            pending.clear();
            pendingClear = true;
            return;
        }
        pending.add(kind + target);
    }

    /** Invalidations kept for when Redis is back (a pending clear counts as one). */
    public synchronized int pendingInvalidations() {
        return pending.size() + (pendingClear ? 1 : 0);
    }

    /** The circuit's probe: connects if needed, pings, applies what is pending. */
    private boolean probe() {
        try {
            connect();
        } catch (RuntimeException e) {
            LOG.debug("[{}] cannot connect to Redis yet", name, e);
            return false;
        }
        L2Connection c = connection;
        try {
            c.ping().get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        while (true) {
            char kind;
            String target;
            synchronized (this) {
                if (pendingClear) {
                    kind = 'c';
                    target = null;
                } else if (!pending.isEmpty()) {
                    String first = pending.iterator().next();
                    kind = first.charAt(0);
                    target = first.substring(1);
                } else {
                    return true;
                }
            }
            if (!apply(kind, target)) {
                return false;
            }
            synchronized (this) {
                if (kind == 'c') {
                    pendingClear = false;
                } else {
                    pending.remove(kind + target);
                }
            }
            kept.applied(kind, target);
            // keys carry argument values (personal data): the target only at DEBUG
            LOG.info("[{}] applied an invalidation kept while Redis was unreachable: {}", name,
                    kind == 'c' ? "clear" : (kind == 'k' ? "a key" : "a dependency"));
            if (kind != 'c') {
                LOG.debug("[{}] ... it was {}", name, target);
            }
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private CompletableFuture<Object> run(Script script, byte[][] keys, byte[]... args) {
        L2Connection c = connection;
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        }
        return c.run(script, keys, args);
    }

    /** The reply, or null when the command failed or timed out (which trips the circuit). */
    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            failed(what, "no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } catch (ExecutionException e) {
            failed(what, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
        }
        return null;
    }

    private void failed(String what, String why) {
        counters.errors.increment();
        LOG.debug("[{}] Redis command failed ({}): {}", name, what, why);
        circuit.trip(what + ": " + why);
    }

    @Override
    public void close() {
        circuit.close();
        L2Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("[{}] closing the Redis connection failed", name, e);
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object reply) {
        return reply instanceof byte[] ? new String((byte[]) reply, StandardCharsets.UTF_8)
                : reply == null ? "" : reply.toString();
    }
}
