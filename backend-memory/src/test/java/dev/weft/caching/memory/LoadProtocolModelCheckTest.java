package dev.weft.caching.memory;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * Model-checks the memory backend's load protocol with Lincheck: no stale write-back (DESIGN invariant 5). Every
 * interleaving explored of loads, hits, reads, writes to the source, their invalidations, key invalidations and clears
 * must be explainable by the {@link Spec sequential specification}: once an invalidation has taken effect, no hit or
 * read returns a value read from the source before the write it follows.
 *
 * <p>The source: two rows, {@code a} and {@code b}, each with a version. Key 0's value is row {@code a}'s version
 * and carries the dependency {@code row:a}; key 1's is both rows' versions, carrying both dependencies. A load
 * ({@code fill}) begins, reads the source, and stores what it read, or is refused. {@code write(r)} bumps a row's
 * version and {@code invalidateRow(r)} invalidates its dependency: two operations, as in an application, where a
 * thread writes and then invalidates. {@code invalidate(k)} invalidates a key by its canonical text; {@code clear()}
 * clears.
 *
 * <p>The specification keeps, per key and row, a floor: the row's version when the last invalidation that covers the
 * key took effect. A hit or read may return a value whose versions are at or above its key's floors, or nothing (a
 * miss is never stale, only slower). Why a floor and not a map of stored values ("a load reads and stores in one
 * step"): this checker showed that such a specification does not hold and need not. A load refused while an
 * invalidation is in progress leaves the older entry in place until that invalidation removes it, so a hit between
 * the two returns the older value, which a load that stored at once would have replaced; and a hit while an entry is
 * replaced misses on purpose (the old entry is marked removed first, so that an invalidation of a dependency that only
 * the old entry carried cannot return while it is still served). Neither serves a value older than an invalidation
 * that took effect.
 *
 * <p>The model-checking strategy runs each scenario under Lincheck's scheduler, which switches threads at shared
 * memory accesses, Caffeine's and the {@code InvalidationLog}'s included (Caffeine's maintenance runs on the calling
 * thread). Scenarios are small: {@link #races} places a load against each kind of invalidation, then random scenarios
 * of two threads of three operations mix everything; {@code StaleWriteBackRaceTest} samples larger ones by stress.
 *
 * <p>Shown to fail on broken variants: {@link #aLoadTokenTakenAtStoreTimeIsCaught} runs the races on
 * {@link TokenTakenAtStore}, whose token is taken when the load stores (the protocol's guard removed), and expects a
 * failure. The second half of the guard, the re-check inside the store's {@code compute} after indexing, was removed by
 * hand once (the condition {@code token.isEnded() || !log.isQuietSince(token) && log.isStale(...)} in
 * {@code MemoryCachingBackend.set} replaced by {@code token.isEnded()}): {@link #loadsRacingEachKindOfInvalidationAreLinearizable}
 * then failed.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:1")
@Param(name = "row", gen = IntGen.class, conf = "0:1")
public class LoadProtocolModelCheckTest {

    static final ItemKey[] KEYS = {ItemKey.of("dev.Catalog.price(0)"), ItemKey.of("dev.Catalog.price(1)")};
    static final String[] ROWS = {"row:a", "row:b"};
    static final List<Set<String>> DEPENDENCIES = List.of(Set.of(ROWS[0]), Set.of(ROWS[0], ROWS[1]));

    private final CachingBackend backend = backend();
    private final AtomicIntegerArray versions = new AtomicIntegerArray(2);

    /** The backend under test: Caffeine's maintenance on the calling thread, so that it is part of each interleaving. */
    CachingBackend backend() {
        return MemoryCachingBackend.builder().executor(Runnable::run).build();
    }

    /** Loads key {@code k}: begins the load, reads the source, stores what it read (or is refused). */
    @Operation
    public void fill(@Param(name = "key") int k) {
        LoadToken token = backend.beginLoad(KEYS[k]);
        Versions read = new Versions(versions.get(0), k == 0 ? 0 : versions.get(1));
        backend.set(token, CacheItem.of(read, Expiration.NEVER, DEPENDENCIES.get(k)));
    }

    /** The hit path. */
    @Operation
    public Seen get(@Param(name = "key") int k) {
        CacheItem item = backend.get(KEYS[k]);
        return Seen.value(item == null ? null : (Versions) item.value());
    }

    /** The load path's read. */
    @Operation
    public Seen read(@Param(name = "key") int k) {
        ItemRead read = backend.read(KEYS[k]);
        return Seen.value(read == null ? null : (Versions) read.item().value());
    }

    /** A write to row {@code r}: the cache does not know of it until {@link #invalidateRow} is called. */
    @Operation
    public void write(@Param(name = "row") int r) {
        versions.incrementAndGet(r);
    }

    /** The invalidation of row {@code r}'s dependency, as a change feed sends it after a write. */
    @Operation
    public void invalidateRow(@Param(name = "row") int r) {
        backend.invalidateDependency(ROWS[r]);
    }

    /** An invalidation of key {@code k} by its canonical text, as one received from another instance. */
    @Operation
    public void invalidate(@Param(name = "key") int k) {
        backend.invalidate(KEYS[k].canonical());
    }

    @Operation
    public void clear() {
        backend.clear();
    }

    /** The row versions a load read: the value it stores. */
    record Versions(int a, int b) {
        boolean atLeast(Versions floor) {
            return a >= floor.a && b >= floor.b;
        }

        @Override
        public String toString() {
            return "a" + a + "b" + b;
        }
    }

    /**
     * What a hit or read returned (a value, or {@code null} for a miss), or what the specification allows there (a
     * floor). A value matches a floor it is at or above; a miss matches every floor. Lincheck compares the two with
     * {@code equals}, in either order.
     */
    public static final class Seen {
        private final Versions value;
        private final Versions floor;

        private Seen(Versions value, Versions floor) {
            this.value = value;
            this.floor = floor;
        }

        static Seen value(Versions value) {
            return new Seen(value, null);
        }

        static Seen atLeast(Versions floor) {
            return new Seen(null, floor);
        }

        private boolean isFloor() {
            return floor != null;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Seen)) {
                return false;
            }
            Seen other = (Seen) o;
            if (isFloor() == other.isFloor()) {
                return Objects.equals(value, other.value) && Objects.equals(floor, other.floor);
            }
            Seen returned = isFloor() ? other : this;
            Versions allowed = isFloor() ? floor : other.floor;
            return returned.value == null || returned.value.atLeast(allowed);
        }

        @Override
        public int hashCode() {
            return 0; // a value equals many floors, so all must hash alike
        }

        @Override
        public String toString() {
            return isFloor() ? "at least " + floor : value == null ? "miss" : value.toString();
        }
    }

    /** The specification: row versions, and per key the versions its last covering invalidation saw. */
    public static class Spec {
        private final int[] versions = new int[2];
        private final Versions[] floors = {new Versions(0, 0), new Versions(0, 0)};

        public void fill(int k) {
            // what a load stores is judged when it is read
        }

        public Seen get(int k) {
            return Seen.atLeast(floors[k]);
        }

        public Seen read(int k) {
            return Seen.atLeast(floors[k]);
        }

        public void write(int r) {
            versions[r]++;
        }

        public void invalidateRow(int r) {
            for (int k = 0; k < 2; k++) {
                if (DEPENDENCIES.get(k).contains(ROWS[r])) {
                    raiseFloor(k);
                }
            }
        }

        public void invalidate(int k) {
            raiseFloor(k);
        }

        public void clear() {
            raiseFloor(0);
            raiseFloor(1);
        }

        private void raiseFloor(int k) {
            floors[k] = new Versions(versions[0], k == 0 ? 0 : versions[1]);
        }
    }

    /**
     * The model checker's options: Lincheck's scheduler may switch threads at every shared memory access of the code
     * under test, Caffeine's and {@code ConcurrentHashMap}'s included, except inside Caffeine's bookkeeping of reads
     * and writes (buffers, policy, statistics, maintenance), which is run as one step: it decides eviction order, not
     * what a lookup finds, and it is most of the events of each operation.
     */
    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .sequentialSpecification(Spec.class)
                .addGuarantee(forClasses("com.github.benmanes.caffeine.cache.BoundedLocalCache")
                        .methods("afterRead", "afterWrite", "scheduleAfterWrite", "scheduleDrainBuffers",
                                "maintenance", "performCleanUp", "statsCounter", "refreshIfNeeded")
                        .treatAsAtomic());
    }

    /** The races the protocol exists for, each explored on its own, without random scenarios. */
    static ModelCheckingOptions racesOnly(Class<?> test, int invocations) {
        ModelCheckingOptions options = options().iterations(0).invocationsPerIteration(invocations);
        for (ExecutionScenario race : races(test)) {
            options.addCustomScenario(race);
        }
        return options;
    }

    /**
     * A load of a key against a write of what it reads followed by each kind of invalidation that covers it (of a
     * dependency, of the key by its text, a clear), with hits after both; the first also with an entry to replace and
     * a hit inside the load's thread.
     */
    static List<ExecutionScenario> races(Class<?> test) {
        return List.of(
                scenario(List.of(actor(test, "fill", 0)),
                        List.of(actor(test, "fill", 0), actor(test, "get", 0)),
                        List.of(actor(test, "write", 0), actor(test, "invalidateRow", 0)),
                        List.of(actor(test, "get", 0), actor(test, "read", 0))),
                scenario(List.of(),
                        List.of(actor(test, "fill", 1)),
                        List.of(actor(test, "write", 1), actor(test, "invalidateRow", 1)),
                        List.of(actor(test, "get", 1))),
                scenario(List.of(),
                        List.of(actor(test, "fill", 0)),
                        List.of(actor(test, "write", 0), actor(test, "invalidate", 0)),
                        List.of(actor(test, "get", 0))),
                scenario(List.of(),
                        List.of(actor(test, "fill", 1)),
                        List.of(actor(test, "write", 0), actor(test, "clear")),
                        List.of(actor(test, "get", 1))));
    }

    static ExecutionScenario scenario(List<Actor> before, List<Actor> first, List<Actor> second, List<Actor> after) {
        return new ExecutionScenario(before, List.of(first, second), after, null);
    }

    static Actor actor(Class<?> test, String name, Object... args) {
        Method method = Arrays.stream(test.getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == args.length)
                .findFirst().orElseThrow();
        return new Actor(method, List.of(args), false, false, false, false, false);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void loadsRacingEachKindOfInvalidationAreLinearizable() {
        racesOnly(LoadProtocolModelCheckTest.class, 200).check(LoadProtocolModelCheckTest.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void randomScenariosOfEveryOperationAreLinearizable() {
        options().iterations(8).invocationsPerIteration(100)
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(2)
                .check(LoadProtocolModelCheckTest.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aLoadTokenTakenAtStoreTimeIsCaught() {
        assertThatThrownBy(() -> racesOnly(TokenTakenAtStore.class, 200).minimizeFailedScenario(false)
                .check(TokenTakenAtStore.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }

    /**
     * A broken variant: the load takes its token when it stores, not when it begins, so no invalidation between the
     * read of the source and the store can refuse it: the guard of the load protocol, removed.
     */
    @Param(name = "key", gen = IntGen.class, conf = "0:1")
    @Param(name = "row", gen = IntGen.class, conf = "0:1")
    public static class TokenTakenAtStore extends LoadProtocolModelCheckTest {
        @Override
        CachingBackend backend() {
            CachingBackend real = super.backend();
            return new ForwardingBackend(real) {
                @Override
                public boolean set(LoadToken load, CacheItem item) {
                    return real.set(real.beginLoad(load.key()), item);
                }
            };
        }
    }
}
