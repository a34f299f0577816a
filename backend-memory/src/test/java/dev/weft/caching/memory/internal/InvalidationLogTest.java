package dev.weft.caching.memory.internal;

import dev.weft.caching.backend.ItemKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The invalidation log's memory: marks are forgotten only once they are older than the retention time and more than
 * the threshold are kept, and a load that began before a forgotten mark is refused rather than let through.
 */
class InvalidationLogTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InvalidationLog log = new InvalidationLog(now::get);
    private final ItemKey key = ItemKey.of("k");

    private void invalidateMany(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            log.end(log.begin(prefix + i));
        }
    }

    @Test
    void marksYoungerThanTheRetentionTimeAreKeptPastTheThreshold() {
        invalidateMany("young", InvalidationLog.PRUNE_THRESHOLD + 10);
        assertThat(log.size()).isEqualTo(InvalidationLog.PRUNE_THRESHOLD + 10);
    }

    @Test
    void oldMarksAreForgottenAndLoadsThatBeganBeforeThemAreRefused() {
        InvalidationLog.Token before = log.begin(key);
        invalidateMany("old", InvalidationLog.PRUNE_THRESHOLD);
        now.addAndGet(InvalidationLog.RETENTION_NANOS + 1);
        invalidateMany("new", 2);
        assertThat(log.size()).as("only the two recent marks are left").isEqualTo(2);
        assertThat(log.isStale(before, key.canonical(), Set.of())).isTrue();
        assertThat(log.isQuietSince(before)).isFalse();
        InvalidationLog.Token after = log.begin(key);
        assertThat(log.isStale(after, key.canonical(), Set.of())).isFalse();
    }

    @Test
    void aMarkEndedExactlyTheRetentionTimeAgoIsKept() {
        invalidateMany("old", InvalidationLog.PRUNE_THRESHOLD);
        now.addAndGet(InvalidationLog.RETENTION_NANOS);
        invalidateMany("new", 2);
        assertThat(log.size()).isEqualTo(InvalidationLog.PRUNE_THRESHOLD + 2);
    }

    @Test
    void anInvalidationInProgressIsNeverForgotten() {
        InvalidationLog.Invalidation running = log.begin("running");
        InvalidationLog.Token load = log.begin(ItemKey.of("running"));
        invalidateMany("old", InvalidationLog.PRUNE_THRESHOLD - 1);
        now.addAndGet(InvalidationLog.RETENTION_NANOS + 1);
        invalidateMany("new", 2);
        assertThat(log.size()).isEqualTo(3);
        assertThat(log.isStale(load, "running", Set.of())).isTrue();
        log.end(running);
        assertThat(log.isStale(log.begin(ItemKey.of("running")), "running", Set.of())).isFalse();
    }

    @Test
    void aLoadConflictsOnlyWithInvalidationsOfItsKeyOrDependenciesAfterItBegan() {
        log.end(log.begin("k"));
        InvalidationLog.Token t = log.begin(key);
        log.end(log.begin("other"));
        assertThat(log.isStale(t, "k", Set.of("d"))).as("the mark of k is older than the load").isFalse();
        log.end(log.begin("d"));
        assertThat(log.isStale(t, "k", Set.of("d"))).isTrue();
        assertThat(t.start()).isEqualTo(2);
        assertThat(t).hasToString("LoadToken{k, start=2}");
    }

    /**
     * Two clears overlap a load, and the first ends late: the end of a clear that took its sequence number before the
     * second clear began, but wrote it after the second had ended, must not move the last clear back before the
     * load. Defect found by StaleWriteBackRaceTest under load (a value loaded before a clear served after it): the
     * end took its number outside the lock and wrote it as the last clear, so the load's store passed its check and
     * outlived the second clear. Fails without the fix (the number taken under the lock). The late end is held by
     * this thread owning the log's lock, which the end needs.
     */
    @Test
    void aClearThatEndsLateNeverHidesAClearThatBeganAfterTheLoad() throws Exception {
        InvalidationLog.Invalidation first = log.beginClear();
        Thread lateEnd;
        InvalidationLog.Token load;
        synchronized (log) {
            lateEnd = new Thread(() -> log.end(first), "late-end");
            lateEnd.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> lateEnd.getState() == Thread.State.BLOCKED);
            load = log.begin(key);
            // the second clear begins after the load (which read the value it will store before the clear's
            // removal) and ends, while the first one's end is still waiting
            log.end(log.beginClear());
        }
        lateEnd.join(10_000);
        assertThat(lateEnd.isAlive()).isFalse();
        assertThat(log.isStale(load, "k", Set.of())).as("a clear began after the load").isTrue();
    }

}
