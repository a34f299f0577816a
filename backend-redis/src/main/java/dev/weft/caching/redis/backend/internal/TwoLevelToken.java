package dev.weft.caching.redis.backend.internal;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A load in progress on both levels: the local level's own token (null without a local level), the Redis level's
 * fence (null when Redis was unreachable when the load began: its result is then not stored there), and the
 * fleet-wide lease it holds, if any. Ends once.
 */
public final class TwoLevelToken implements LoadToken {

    private final ItemKey key;
    private final String canonical;
    private final LoadToken local;
    private final L2Store.Fence fence;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile String leaseOwner;

    public TwoLevelToken(ItemKey key, String canonical, LoadToken local, L2Store.Fence fence) {
        this.key = key;
        this.canonical = canonical;
        this.local = local;
        this.fence = fence;
    }

    @Override
    public ItemKey key() {
        return key;
    }

    public String canonical() {
        return canonical;
    }

    public LoadToken local() {
        return local;
    }

    public L2Store.Fence fence() {
        return fence;
    }

    public String leaseOwner() {
        return leaseOwner;
    }

    public void holdLease(String owner) {
        this.leaseOwner = owner;
    }

    /** Ends the token; true for the one call that did. */
    public boolean end() {
        return ended.compareAndSet(false, true);
    }

    public boolean isEnded() {
        return ended.get();
    }

    @Override
    public String toString() {
        return "TwoLevelToken{" + canonical + (fence == null ? ", local only" : ", count " + fence.count) + '}';
    }
}
