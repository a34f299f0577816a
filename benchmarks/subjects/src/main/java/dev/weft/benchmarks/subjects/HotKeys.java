package dev.weft.benchmarks.subjects;

import java.util.Random;

/**
 * The 1024 distinct hot keys of each hit-path method, addressed by an index in {@code [0, 1024)}.
 *
 * <p>Product ids start at {@value #FIRST_PRODUCT_ID}: outside {@code Integer.valueOf}'s cache, so boxing an id
 * allocates, as it does for real ids. A search key is one of 64 preallocated query strings, a page in {@code [1, 8]}
 * and a direction: 64 × 8 × 2 = 1024 keys.
 */
public final class HotKeys {

    /** Distinct hot keys per method; a power of two so that cursors wrap with a mask. */
    public static final int COUNT = 1024;

    /** The first hot product id. */
    public static final int FIRST_PRODUCT_ID = 100_000;

    /** Pages per query. */
    public static final int PAGES = 8;

    private static final String[] QUERIES = queries();

    private HotKeys() {
    }

    private static String[] queries() {
        String[] adjectives = {"espresso", "filter", "cold brew", "decaf", "organic", "single origin", "dark roast",
                "light roast"};
        String[] nouns = {"beans", "grinder", "kettle", "scale", "dripper", "mug", "capsules", "machine"};
        String[] q = new String[COUNT / (PAGES * 2)];
        for (int i = 0; i < q.length; i++) {
            q[i] = adjectives[i % adjectives.length] + ' ' + nouns[i / adjectives.length];
        }
        return q;
    }

    /** The number of distinct query strings. */
    public static int queryCount() {
        return QUERIES.length;
    }

    /** The product id of hot key {@code k}. */
    public static int productId(int k) {
        return FIRST_PRODUCT_ID + k;
    }

    /** The (preallocated) query string of hot search key {@code k}. */
    public static String query(int k) {
        return QUERIES[k >>> 4];
    }

    /** The page of hot search key {@code k}, in {@code [1, 8]}. */
    public static int page(int k) {
        return 1 + ((k >>> 1) & (PAGES - 1));
    }

    /** The direction of hot search key {@code k}. */
    public static boolean desc(int k) {
        return (k & 1) != 0;
    }

    /** The index of a search key, or -1 when it is not one of the hot keys. */
    static int searchIndex(int queryIndex, int page, boolean desc) {
        if (queryIndex < 0 || page < 1 || page > PAGES) {
            return -1;
        }
        return (queryIndex << 4) | ((page - 1) << 1) | (desc ? 1 : 0);
    }

    /** A pseudo-random permutation of {@code [0, COUNT)}, the same for the same seed (Fisher–Yates). */
    public static int[] shuffledOrder(long seed) {
        int[] order = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = COUNT - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
