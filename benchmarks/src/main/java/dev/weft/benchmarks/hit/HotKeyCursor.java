package dev.weft.benchmarks.hit;

import dev.weft.benchmarks.subjects.HotKeys;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Each benchmark thread's walk over the hot keys: a precomputed pseudo-random permutation (a different one per
 * thread, the same in every run), visited cyclically. Advancing costs an increment, a mask and an array read.
 */
@State(Scope.Thread)
public class HotKeyCursor {

    private int[] order;
    private int position;

    @Setup(Level.Trial)
    public void shuffle(ThreadParams thread) {
        order = HotKeys.shuffledOrder(0x5EED_0000L + thread.getThreadIndex());
        position = 0;
    }

    /** The next hot key index, in {@code [0, HotKeys.COUNT)}. */
    public int next() {
        int p = (position + 1) & (HotKeys.COUNT - 1);
        position = p;
        return order[p];
    }
}
