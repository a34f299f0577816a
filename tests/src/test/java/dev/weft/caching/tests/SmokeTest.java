package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

    static final AtomicInteger calls = new AtomicInteger();

    @Cached
    static String hello(int id) {
        calls.incrementAndGet();
        return "hello " + id;
    }

    @Test
    void secondCallIsAHit() {
        assertThat(hello(1000)).isEqualTo("hello 1000");
        assertThat(hello(1000)).isEqualTo("hello 1000");
        assertThat(calls.get()).isEqualTo(1);
    }
}
