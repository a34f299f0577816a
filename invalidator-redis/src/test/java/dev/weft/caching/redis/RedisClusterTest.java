package dev.weft.caching.redis;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.redis.RedisClusterProcess;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Redis invalidator on a Redis Cluster of three masters with one replica each: invalidations published to the
 * node serving the channel's slot reach a subscriber on any node, in two JVMs; when the node holding an instance's
 * subscription dies, the subscription moves to another node, the local cache is cleared (what was published meanwhile
 * is lost), and invalidations flow again; and when the master serving the channel's slot dies, publishes follow its
 * replica once promoted, and no invalidation is lost.
 */
class RedisClusterTest {

    static RedisClusterProcess cluster;
    RedisFixture fixture;
    ProductCatalog here;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(3, 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void setUp() {
        fixture = new RedisFixture();
        here = new ProductCatalog();
        here.database.put(1L, "tea");
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        // the failover test restarts a node: leave the cluster whole for the next test
        cluster.nodes().stream().filter(n -> !n.isRunning()).forEach(RedisServerProcess::restart);
        cluster.awaitHealthy(RedisFixture.TIMEOUT);
    }

    /** A cluster client as the docs recommend: adaptive topology refresh, so publishing follows a failover. */
    static RedisClusterClient clusterClient(List<String> seeds) {
        RedisClusterClient client = RedisClusterClient.create(
                seeds.stream().map(RedisURI::create).collect(Collectors.toList()));
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        return client;
    }

    private RedisClusterClient client() {
        RedisClusterClient client = clusterClient(cluster.uris());
        fixture.closeLater(client::shutdown);
        return client;
    }

    private CacheInvalidator localInstance() throws InterruptedException {
        return localInstance(fixture.channel);
    }

    private CacheInvalidator localInstance(String channel) throws InterruptedException {
        CacheInvalidator invalidator = fixture.closeLater(RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                client(), RedisCacheInvalidatorOptions.builder().channel(channel).build()));
        CachingServices.setDefaultBackend(invalidator);
        assertThat(invalidator.awaitConnected(RedisFixture.TIMEOUT)).as("subscribed").isTrue();
        return invalidator;
    }

    @Test
    void twoInstancesInTwoJvmsStayInSyncThroughTheCluster() throws Exception {
        localInstance();
        JvmProcess there = fixture.peer(PeerMain.CLUSTER + String.join(",", cluster.uris()));
        there.request("DB 1 tea", RedisFixture.TIMEOUT);
        assertThat(here.getProduct(1)).isEqualTo("tea");
        assertThat(there.request("GET 1", RedisFixture.TIMEOUT)).isEqualTo("tea");

        here.database.put(1L, "green tea");
        there.request("RENAME 1 green tea", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("green tea"));

        there.request("DB 1 black tea", RedisFixture.TIMEOUT);
        here.rename(1, "black tea");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET 1", RedisFixture.TIMEOUT).equals("black tea"));

        here.database.put(1L, "oolong");
        there.request("DB 1 oolong", RedisFixture.TIMEOUT);
        there.request("INVDEP product:1", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("oolong"));

        here.database.put(1L, "puer");
        there.request("DB 1 puer", RedisFixture.TIMEOUT);
        there.request("CLEAR", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("puer"));
    }

    @Test
    void aPublishOnlyClientReachesTheInstancesThroughTheCluster() throws Exception {
        localInstance();
        InvalidationPublisher feed = fixture.closeLater(RedisCacheInvalidator.publisher(client(),
                RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build()));
        assertThat(here.getProduct(1)).isEqualTo("tea");
        here.database.put(1L, "matcha");
        feed.invalidateDependency("product:1");
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("matcha"));
    }

    @Test
    void anInvalidatorCreatedFromSeedNodesOwnsItsClusterClient() throws Exception {
        // one seed is enough: the client learns the other nodes from it
        CacheInvalidator invalidator = fixture.closeLater(RedisCacheInvalidator.createForCluster(
                MemoryCachingBackend.create(), List.of(cluster.nodes().get(2).uri()),
                RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build()));
        CachingServices.setDefaultBackend(invalidator);
        assertThat(invalidator.awaitConnected(RedisFixture.TIMEOUT)).isTrue();
        assertThat(invalidator.status().details()).containsEntry("clientOwnedByWeft", "true")
                .containsEntry("endpoint", "redis cluster 127.0.0.1:" + cluster.nodes().get(2).port());
        InvalidationPublisher feed = fixture.closeLater(RedisCacheInvalidator.publisher(client(),
                RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build()));
        assertThat(here.getProduct(1)).isEqualTo("tea");
        here.database.put(1L, "hojicha");
        feed.invalidateDependency("product:1");
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("hojicha"));
    }

    @Test
    void badSeedNodesFailClearly() {
        RedisCacheInvalidatorOptions options = RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build();
        assertThatThrownBy(() -> RedisCacheInvalidator.createForCluster(MemoryCachingBackend.create(), List.of(),
                options)).isInstanceOf(CachingConfigurationException.class).hasMessageContaining("seed node");
        assertThatThrownBy(() -> RedisCacheInvalidator.createForCluster(MemoryCachingBackend.create(),
                List.of("http://user:secret@nowhere"), options))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("invalid Redis URI").hasMessageNotContaining("secret");
    }

    @Test
    void whenTheSubscribedNodeDiesTheSubscriptionMovesAndTheCacheIsCleared() throws Exception {
        CacheInvalidator invalidator = localInstance();
        InvalidationPublisher feed = fixture.closeLater(RedisCacheInvalidator.publisher(client(),
                RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build()));
        assertThat(here.getProduct(1)).isEqualTo("tea");
        RedisServerProcess subscribed = cluster.nodeSubscribedTo(fixture.channel);
        assertThat(subscribed).as("the node holding the subscription").isNotNull();

        // a change whose invalidation this instance will never receive: its node is gone
        here.database.put(1L, "sencha");
        subscribed.kill();
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().subscriptions() == 2
                && invalidator.status().state() == InvalidatorStatus.State.CONNECTED);
        RedisServerProcess now = cluster.nodeSubscribedTo(fixture.channel);
        assertThat(now).as("subscribed on another node").isNotNull().isNotSameAs(subscribed);
        assertThat(here.getProduct(1)).as("the cache was cleared on resubscription").isEqualTo("sencha");

        // with the node back (its slots too), invalidations flow again
        subscribed.restart();
        cluster.awaitHealthy(RedisFixture.TIMEOUT);
        here.database.put(1L, "genmaicha");
        feed.invalidateDependency("product:1");
        await().atMost(RedisFixture.TIMEOUT).until(() -> here.getProduct(1).equals("genmaicha"));
        assertThat(invalidator.status().gapsDetected()).isZero();
    }

    @Test
    void whenTheMasterServingTheChannelDiesPublishesFollowItsReplicaAndNothingIsLost() throws Exception {
        // a channel whose slot is served by a master that does not hold this instance's subscription, so that what
        // arrives afterwards can only come through a message
        String channel = null;
        CacheInvalidator invalidator = null;
        RedisServerProcess owner = null;
        for (int attempt = 0; attempt < 20 && invalidator == null; attempt++) {
            String candidate = fixture.channel + ":" + attempt;
            CacheInvalidator created = localInstance(candidate);
            RedisServerProcess master = cluster.masterServing(candidate);
            if (cluster.nodeSubscribedTo(candidate) != master) {
                channel = candidate;
                invalidator = created;
                owner = master;
            } else {
                created.close();
            }
        }
        assertThat(invalidator).as("an instance subscribed away from the channel's master").isNotNull();
        InvalidationPublisher feed = fixture.closeLater(RedisCacheInvalidator.publisher(client(),
                RedisCacheInvalidatorOptions.builder().channel(channel).build()));
        assertThat(here.getProduct(1)).isEqualTo("tea");

        owner.kill();
        here.database.put(1L, "chai");
        // returns at the latest after publishTimeout; the message stays queued until the replica serves the slot
        feed.invalidateDependency("product:1");
        await().atMost(RedisFixture.TIMEOUT).until(() -> here.getProduct(1).equals("chai"));
        assertThat(cluster.masterServing(channel)).as("the replica took over").isNotSameAs(owner);
        assertThat(invalidator.status().subscriptions()).as("never resubscribed: the change came as a message")
                .isEqualTo(1);
        assertThat(invalidator.status().gapsDetected()).isZero();
    }
}
