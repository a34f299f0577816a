package dev.weft.docs.keys;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.NotCacheKey;

import java.util.logging.Logger;

/** docs/keys.md: the three ways to give an argument a deterministic key, in the block's order. */
public final class Sku implements CacheKey {
    private final String code;

    public Sku(String code) {
        this.code = code;
    }

    public String toCacheKey() { return code; }
}

/** A type the application does not own. */
record Money(long cents, String currency) {
}

/** A report. */
record Report(long id) {
}

class KeyExamples {

    static void startUp() {
        CachingServices.registerKeyFormatter(Money.class, (money, out) -> out.append(money.cents()).append(money.currency()));
    }

    @Cached
    public Report build(long id, @NotCacheKey Logger log) {
        return new Report(id);
    }
}
