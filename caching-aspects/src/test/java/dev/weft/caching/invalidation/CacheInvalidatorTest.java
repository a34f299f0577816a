package dev.weft.caching.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CacheInvalidator} as the {@link dev.weft.caching.backend.CachingBackend} an application sees: reads and
 * stores go to the local backend unless the cache must be bypassed, invalidations apply locally and then travel,
 * peers' invalidations reach the local backend, and it owns (and closes) the transport and the local backend. The
 * publish-only client too. Driven through a {@link ControlledTransport}.
 */
class CacheInvalidatorTest {

    /**
     * A local backend that also records abandoned loads and its closing, says a load is not stale, and refuses the
     * store of a load that an invalidation of its key overlapped (the load protocol of a real backend, in short).
     */
    static final class LocalBackend extends RecordingBackend {
        final List<LoadToken> abandoned = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();
        private final List<LoadToken> loading = new CopyOnWriteArrayList<>();
        private final List<LoadToken> overlapped = new CopyOnWriteArrayList<>();

        @Override
        public LoadToken beginLoad(ItemKey key) {
            LoadToken load = super.beginLoad(key);
            loading.add(load);
            return load;
        }

        @Override
        public void invalidate(String key) {
            super.invalidate(key);
            loading.stream().filter(l -> l.key().canonical().equals(key)).forEach(overlapped::add);
        }

        @Override
        public boolean set(LoadToken load, CacheItem item) {
            loading.remove(load);
            return !overlapped.contains(load) && super.set(load, item);
        }

        @Override
        public void abandon(LoadToken load) {
            abandoned.add(load);
        }

        @Override
        public boolean isStale(LoadToken load, Set<String> dependencies) {
            return false;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        @Override
        public String toString() {
            return "LocalBackend";
        }
    }

    private final ControlledTransport transport = new ControlledTransport();
    private final LocalBackend local = new LocalBackend();
    private final UUID peer = UUID.randomUUID();
    private CacheInvalidator invalidator;

    @AfterEach
    void close() {
        if (invalidator != null) {
            invalidator.close();
        }
    }

    private CacheInvalidator start(InvalidatorOptions.Builder<?> options) {
        invalidator = CacheInvalidator.create(local, transport, options.build());
        return invalidator;
    }

    private CacheInvalidator start() {
        return start(InvalidatorOptions.customTransportBuilder());
    }

    private byte[] fromPeer(long sequence, long sentAtMillis, Operation... ops) {
        return new InvalidationMessage(peer, 1, sequence, sentAtMillis, List.of(ops)).encode();
    }

    @Test
    void whileConnectedReadsAndStoresGoToTheLocalBackend() {
        start();
        local.put("a", "v");
        assertThat(invalidator.get(ItemKey.of("a")).value()).isEqualTo("v");
        ItemRead read = invalidator.read(ItemKey.of("a"));
        assertThat(read.item().value()).isEqualTo("v");
        LoadToken load = invalidator.beginLoad(ItemKey.of("b"));
        assertThat(load.key().canonical()).isEqualTo("b");
        assertThat(invalidator.isStale(load, Set.of("d"))).as("the local backend's answer").isFalse();
        assertThat(invalidator.set(load, CacheItem.of("w"))).isTrue();
        assertThat(local.entries).containsEntry("b", "w");
        LoadToken other = invalidator.beginLoad(ItemKey.of("c"));
        invalidator.abandon(other);
        assertThat(local.abandoned).containsExactly(other);
    }

    /**
     * While the transport is down under {@link WhileDisconnected#BYPASS_CACHE}, the local entries may have missed
     * invalidations: none is served, not even as a fail-safe value, no load is stored, and every load is stale.
     */
    @Test
    void whileBypassingNothingLocalIsServedOrStoredAndEveryLoadIsStale() {
        start(InvalidatorOptions.customTransportBuilder().whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        local.put("a", "v");
        transport.listener().onDisconnected("test");
        assertThat(invalidator.get(ItemKey.of("a"))).isNull();
        assertThat(invalidator.read(ItemKey.of("a"))).isNull();
        LoadToken load = invalidator.beginLoad(ItemKey.of("b"));
        assertThat(invalidator.isStale(load, Set.of())).isTrue();
        assertThat(invalidator.set(load, CacheItem.of("w"))).isFalse();
        assertThat(local.has("b")).isFalse();
        assertThat(local.abandoned).as("the refused load is abandoned in the local backend").containsExactly(load);

        transport.listener().onSubscribed();
        assertThat(local.has("a")).as("cleared on resubscription").isFalse();
        local.put("a", "v2");
        assertThat(invalidator.get(ItemKey.of("a")).value()).isEqualTo("v2");
    }

    @Test
    void invalidationsApplyHereAndThenTravel() throws Exception {
        start();
        local.put("k", "v");
        invalidator.invalidate("k");
        invalidator.invalidateDependency("d");
        invalidator.clear();
        assertThat(local.invalidated).containsExactly("k");
        assertThat(local.dependenciesInvalidated).containsExactly("d");
        assertThat(local.clears.get()).as("one at subscription, one asked for").isEqualTo(2);
        assertThat(transport.published()).extracting(InvalidationMessage::operations).containsExactly(
                List.of(Operation.key("k")), List.of(Operation.dependency("d")), List.of(Operation.clear()));
    }

    @Test
    void aPeersInvalidationsReachTheLocalBackendAndAreNotPublishedAgain() throws Exception {
        start();
        transport.wire.deliver(fromPeer(1, System.currentTimeMillis(), Operation.key("k"),
                Operation.dependency("d")));
        assertThat(local.invalidated).containsExactly("k");
        assertThat(local.dependenciesInvalidated).containsExactly("d");
        assertThat(transport.published()).isEmpty();
    }

    /** No stale write-back, for a peer's invalidations too: a load they overlapped is not stored, and says so. */
    @Test
    void aLoadOverlappedByAPeersInvalidationIsNotStored() {
        start();
        LoadToken load = invalidator.beginLoad(ItemKey.of("k"));
        transport.wire.deliver(fromPeer(1, System.currentTimeMillis(), Operation.key("k")));
        assertThat(invalidator.set(load, CacheItem.of("old"))).isFalse();
        assertThat(invalidator.get(ItemKey.of("k"))).isNull();
    }

    @Test
    void theLatencyListenerHearsHowLongEachAppliedMessageTook() {
        start();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        invalidator.setMessageLatencyListener(latencies::add);
        transport.wire.deliver(fromPeer(1, System.currentTimeMillis() - 5_000, Operation.key("k")));
        assertThat(latencies).singleElement().satisfies(millis -> assertThat(millis).isBetween(5_000L, 60_000L));
    }

    @Test
    void awaitConnectedSaysWhetherDeliveryStartedWithinTheTimeout() throws Exception {
        transport.subscribeOnStart = false;
        start();
        assertThat(invalidator.awaitConnected(Duration.ofMillis(20))).isFalse();
        transport.listener().onSubscribed();
        assertThat(invalidator.awaitConnected(Duration.ofSeconds(5))).isTrue();
    }

    /** The id names the prefix, the host (as ids allow) and a random part: two instances on one host differ. */
    @Test
    void itsIdNamesThePrefixTheHostAndARandomPart() throws Exception {
        start(InvalidatorOptions.customTransportBuilder().instanceIdPrefix("Orders-1"));
        String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String expectedHost = host.isEmpty() ? "host" : host.substring(0, Math.min(16, host.length()));
        assertThat(invalidator.instanceId()).startsWith("Orders-1-" + expectedHost + "-")
                .matches("Orders-1-[a-z0-9-]{1,16}-[0-9a-f]{8}");
        assertThat(invalidator.status().instanceId()).isEqualTo(invalidator.instanceId());
        assertThat(invalidator.toString()).contains(invalidator.instanceId(), "controlled", "LocalBackend");
        try (CacheInvalidator second = CacheInvalidator.create(new RecordingBackend(), new ControlledTransport(),
                InvalidatorOptions.customTransportBuilder().instanceIdPrefix("Orders-1").build())) {
            assertThat(second.instanceId()).isNotEqualTo(invalidator.instanceId());
        }
    }

    /** It owns the transport and the local backend: closing stops receiving and closes both, once. */
    @Test
    void closingStopsReceivingAndClosesTheTransportAndTheLocalBackendOnce() {
        start();
        local.put("a", "v");
        invalidator.close();
        invalidator.close();
        assertThat(invalidator.status().state()).isEqualTo(InvalidatorStatus.State.CLOSED);
        assertThat(transport.closes.get()).isEqualTo(1);
        assertThat(local.closes.get()).isEqualTo(1);
        transport.listener().onSubscribed();
        assertThat(local.has("a")).as("a late subscription clears nothing").isTrue();
        assertThat(invalidator.status().subscriptions()).isEqualTo(1);
    }

    /**
     * A transport that cannot start (wrong credentials, a missing topic) fails the creation, is closed, and leaves the
     * local backend alone even if it delivers events afterwards: the application may keep the backend.
     */
    @Test
    void aTransportThatCannotStartFailsTheCreationIsClosedAndNeverTouchesTheLocalBackend() {
        transport.startFailure = new IllegalStateException("wrong credentials");
        local.put("a", "v");
        assertThatThrownBy(() -> CacheInvalidator.create(local, transport,
                InvalidatorOptions.customTransportBuilder().build())).hasMessage("wrong credentials");
        assertThat(transport.closes.get()).isEqualTo(1);
        transport.listener().onSubscribed();
        assertThat(local.has("a")).isTrue();
        assertThat(local.clears.get()).isZero();
        assertThat(local.closes.get()).as("the backend stays the application's").isZero();
    }

    @Test
    void aPublishOnlyClientPublishesEveryKindReceivesNothingAndSaysWhenItIsClosed() throws Exception {
        InvalidationPublisher feed = CacheInvalidator.publisher(transport,
                InvalidatorOptions.customTransportBuilder().build());
        try {
            feed.invalidate("k");
            feed.invalidateDependency("d");
            feed.clear();
            assertThat(transport.published()).extracting(InvalidationMessage::operations).containsExactly(
                    List.of(Operation.key("k")), List.of(Operation.dependency("d")), List.of(Operation.clear()));
            assertThat(transport.listener()).as("never subscribes").isNull();
            assertThat(feed.status().state()).isEqualTo(InvalidatorStatus.State.PUBLISH_ONLY);
            assertThat(feed.status().connected()).isFalse();
            assertThat(feed.status().messagesSent()).isEqualTo(3);
        } finally {
            feed.close();
        }
        assertThat(feed.status().state()).isEqualTo(InvalidatorStatus.State.CLOSED);
        assertThat(transport.closes.get()).isEqualTo(1);
    }
}
