package dev.weft.benchmarks.variants;

import java.util.Arrays;

/**
 * The reference's cache key, what a careful hand-written cache keyed by "method and arguments" uses: a small int
 * naming the method and the boxed arguments in an {@code Object[]}, with the hash computed once in the constructor
 * (Caffeine asks for it twice per lookup). One instance is 24 bytes, plus the array (24 bytes for one argument,
 * 32 for three) and whatever boxing allocates.
 */
public final class CallKey {

    private final int method;
    private final Object[] args;
    private final int hash;

    public CallKey(int method, Object[] args) {
        this.method = method;
        this.args = args;
        this.hash = 31 * method + Arrays.hashCode(args);
    }

    public Object arg(int i) {
        return args[i];
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof CallKey)) {
            return false;
        }
        CallKey k = (CallKey) o;
        return k.hash == hash && k.method == method && Arrays.equals(k.args, args);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
