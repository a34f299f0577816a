package dev.weft.benchmarks.fullcache;

/**
 * Product ids never asked before, in a scattered order: the {@code n}-th id is {@code n × 0x9E3779B9} (mod 2³²), a
 * bijection on {@code int}, so ids are distinct for as long as {@code n} does not wrap, and consecutive ones land in
 * unrelated slots of a hash table, as real keys do (sequential ids would fill the table's slots in order and keep
 * every miss in the CPU's caches). Ids in {@code [0, 2,000,000)}, where the hot ids (100,000–101,023) and the cold
 * fill of {@code HitSubject} (from 1,000,000) live, are skipped.
 */
public final class FreshIds {

    private static final int GOLDEN = 0x9E3779B9;
    private static final int RESERVED_BELOW = 2_000_000;

    private int n;

    /** Ids from the {@code first}-th on: generators with disjoint ranges of {@code n} never share an id. */
    public FreshIds(int first) {
        this.n = first;
    }

    public int next() {
        int id;
        do {
            id = n++ * GOLDEN;
        } while (id >= 0 && id < RESERVED_BELOW);
        return id;
    }
}
