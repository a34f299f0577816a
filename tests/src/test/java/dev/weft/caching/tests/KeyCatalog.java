package dev.weft.caching.tests;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.CachingContext;
import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.ChildChannel;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The keys of a fixed set of calls, computed by this JVM. {@link KeyDeterminismAcrossJvmsTest} compares them with
 * those a second JVM computes, started with another time zone, locale and identity-hash algorithm.
 */
public final class KeyCatalog {

    enum Level { LOW, MEDIUM, HIGH }

    record Range(int from, int to, Level level) {
    }

    /** Its instances are part of the key. */
    static final class Shard implements CacheKey {
        final int id;

        Shard(int id) {
            this.id = id;
        }

        @Override
        public String toCacheKey() {
            return "shard-" + id;
        }

        @Cached
        String find(long id) {
            return CachingContext.current().key();
        }
    }

    static final class Calls {
        @Cached
        String one(Object value) {
            return CachingContext.current().key();
        }

        @Cached
        String two(String a, int b) {
            return CachingContext.current().key();
        }

        @Cached
        static String wide(int a, long b, double c, boolean d, char e, String f) {
            return CachingContext.current().key();
        }
    }

    private KeyCatalog() {
    }

    /** Every key of the catalog, one per line, in a fixed order. */
    static List<String> keys() {
        Calls c = new Calls();
        List<String> keys = new ArrayList<>();
        keys.add(c.two("a,b", 1));
        keys.add(c.two("quote \" and backslash \\", -1));
        keys.add(c.two("unicode é ß 東京", Integer.MAX_VALUE));
        keys.add(c.two(null, 0));
        keys.add(c.one(3.14159));
        // Double.toString writes these differently on JDK 17 and JDK 19+ (9.999999999999999E22, 1.0E23, ...)
        keys.add(c.one(1.0E23));
        keys.add(c.one(2.0E23));
        keys.add(c.one(8.41E21));
        keys.add(c.one(java.util.List.of(1.0E23, 5.0E-324, 1.0E7, 0.001)));
        keys.add(c.one(1.1f));
        keys.add(c.one(-0.0));
        keys.add(c.one(Float.NaN));
        keys.add(c.one(new BigDecimal("1234.5600")));
        keys.add(c.one(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e")));
        keys.add(c.one(Level.HIGH));
        keys.add(c.one(new HashSet<>(Arrays.asList(Level.values()))));
        keys.add(c.one(Set.of("pear", "apple", "fig", "kiwi", "plum")));
        Map<Object, Object> map = new HashMap<>();
        map.put(Level.LOW, List.of(1, 2));
        map.put(Level.HIGH, Optional.of("x"));
        keys.add(c.one(map));
        keys.add(c.one(new Date(1_700_000_000_000L)));
        keys.add(c.one(Instant.ofEpochSecond(1_700_000_001L, 5)));
        keys.add(c.one(LocalDateTime.of(2026, 11, 23, 18, 30)));
        keys.add(c.one(ZonedDateTime.of(2026, 11, 23, 18, 30, 0, 0, ZoneId.of("Europe/Paris"))));
        java.util.Calendar calendar = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("Europe/Paris"));
        calendar.setTimeInMillis(1_700_000_002_003L);
        keys.add(c.one(calendar));
        keys.add(c.one(new Range(1, 10, Level.MEDIUM)));
        keys.add(c.one(new int[] {1, 2, 3}));
        keys.add(c.one(new String[][] {{"a"}, {"b", null}}));
        keys.add(c.one(Locale.CANADA_FRENCH));
        keys.add(c.one("x".repeat(3000)));
        keys.add(Calls.wide(1, 2L, 3.5, true, 'z', "end"));
        keys.add(new Shard(7).find(42L));
        return keys;
    }

    /** The child side: prints the keys, one per line, prefixed so the parent can tell them from anything else. */
    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        MemoryCachingBackend backend = MemoryCachingBackend.create();
        CachingServices.setDefaultBackend(backend);
        for (String key : keys()) {
            channel.send("KEY " + key);
        }
        channel.send("END");
        backend.close();
    }
}
