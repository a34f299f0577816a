package dev.weft.caching.redis.backend.internal;

import java.nio.charset.StandardCharsets;

/**
 * Where things live in Redis. Keys are spread over {@code shards}; a shard is everything under one base,
 * {@code <prefix>{<n>}:}, whose hash tag puts it in one Redis Cluster slot:
 *
 * <pre>
 * &lt;base&gt;e:&lt;key&gt;     hash: an entry (value, expirations, stamp, dependencies)
 * &lt;base&gt;d:&lt;dep&gt;     sorted set: the keys in this shard carrying the dependency, scored by when each is gone
 * &lt;base&gt;idx         sorted set: every key in this shard, scored the same way (for clear)
 * &lt;base&gt;m:&lt;target&gt;  string "count:time": the last invalidation of a key or dependency (expires)
 * &lt;base&gt;clr         string "count:time": the last clear (expires)
 * &lt;base&gt;seq         integer: invalidations so far, the clock loads are fenced by
 * &lt;base&gt;ep          string: this copy of the data's epoch (a restarted, empty Redis gets a new one)
 * &lt;base&gt;l:&lt;key&gt;     string: who holds the lease to load the key (fleet-wide single flight; expires)
 * </pre>
 *
 * An entry's shard is its key's {@code String.hashCode()}, which the Java specification fixes, modulo the number of
 * shards: every instance finds it in the same place. Everything a store or an invalidation touches for one entry is
 * in its shard, so each is one script; a dependency, carried by entries in any shard, is marked and invalidated in
 * every shard.
 */
public final class KeyLayout {

    private final String prefix;
    private final int shards;
    private final String[] bases;
    private final byte[][] seqKeys;

    public KeyLayout(String prefix, int shards) {
        this.prefix = prefix;
        this.shards = shards;
        this.bases = new String[shards];
        this.seqKeys = new byte[shards][];
        for (int n = 0; n < shards; n++) {
            bases[n] = prefix + "{" + n + "}:";
            seqKeys[n] = bytes(bases[n] + "seq");
        }
    }

    public int shards() {
        return shards;
    }

    public String prefix() {
        return prefix;
    }

    /** The shard of {@code canonicalKey}. */
    public int shardOf(String canonicalKey) {
        return (canonicalKey.hashCode() & 0x7fffffff) % shards;
    }

    /** The base of shard {@code n}: every key of the shard starts with it. */
    public String base(int n) {
        return bases[n];
    }

    /** The shard's invalidation counter, which routes its scripts. */
    public byte[] seqKey(int n) {
        return seqKeys[n];
    }

    public byte[] entryKey(int n, String canonicalKey) {
        return bytes(bases[n] + "e:" + canonicalKey);
    }

    public byte[] leaseKey(int n, String canonicalKey) {
        return bytes(bases[n] + "l:" + canonicalKey);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
