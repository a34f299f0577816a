package dev.weft.caching.redis;

import dev.weft.caching.CachingServices;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DESIGN invariant 7 over Redis: two instances in two JVMs, each with its own memory cache. A change made through one
 * is invisible in the other within one second of the change returning: by key, by dependency, and by clear.
 */
class TwoInstancesTest {

    static RedisServerProcess redis;
    RedisFixture fixture;
    ProductCatalog here;
    JvmProcess there;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void startInstances() throws Exception {
        fixture = new RedisFixture();
        fixture.local(redis.uri());
        here = new ProductCatalog();
        there = fixture.peer(redis.uri());
        // one shared database, as both instances would see it
        here.database.put(1L, "tea");
        there.request("DB 1 tea", RedisFixture.TIMEOUT);
        assertThat(here.getProduct(1)).isEqualTo("tea");
        assertThat(there.request("GET 1", RedisFixture.TIMEOUT)).isEqualTo("tea");
    }

    @AfterEach
    void stopInstances() throws Exception {
        fixture.close();
    }

    private void changeTheDatabase(String name) {
        here.database.put(1L, name);
        there.request("DB 1 " + name, RedisFixture.TIMEOUT);
    }

    @Test
    void anUpdateThroughTheOtherInstanceIsVisibleHereWithinASecond() {
        here.database.put(1L, "green tea");
        there.request("RENAME 1 green tea", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("green tea"));
    }

    @Test
    void anUpdateHereIsVisibleInTheOtherInstanceWithinASecond() {
        there.request("DB 1 black tea", RedisFixture.TIMEOUT);
        here.rename(1, "black tea");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET 1", RedisFixture.TIMEOUT).equals("black tea"));
    }

    @Test
    void aDependencyInvalidatedInTheOtherInstanceIsInvalidatedHere() {
        changeTheDatabase("oolong");
        there.request("INVDEP product:1", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("oolong"));
    }

    @Test
    void aClearInTheOtherInstanceClearsThisOne() {
        changeTheDatabase("matcha");
        there.request("CLEAR", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("matcha"));
    }

    @Test
    void aClearHereClearsTheOtherInstance() {
        changeTheDatabase("sencha");
        CachingServices.clear();
        await().atMost(Duration.ofSeconds(1))
                .until(() -> there.request("GET 1", RedisFixture.TIMEOUT).equals("sencha"));
    }

    @Test
    void entriesNotInvalidatedStayCached() {
        here.database.put(2L, "coffee");
        there.request("DB 2 coffee", RedisFixture.TIMEOUT);
        here.getProduct(2);
        int calls = here.sourceCalls.get();
        there.request("RENAME 1 rooibos", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> {
            here.database.put(1L, "rooibos");
            return here.getProduct(1).equals("rooibos");
        });
        here.getProduct(2);
        assertThat(here.sourceCalls.get()).as("only product 1 was reloaded").isEqualTo(calls + 1);
    }
}
