package dev.weft.caching.redis.backend;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ValueSerializationException;
import dev.weft.caching.backend.ValueSerializer;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, case 7, "keys only at DEBUG", for the Redis level: a value that cannot be serialized was logged at WARN
 * with its key ("cannot write the value of com.acme...(\"PERSONAL-4711\") in Redis"). Keys carry argument values
 * (personal data). Fails without the fix in {@code RedisCachingBackend.serializationFailed}. (The other line that
 * showed a key, at INFO, when an invalidation kept during an outage is applied, is fixed alike in {@code L2Store}.)
 */
class KeysOnlyAtDebugTest {

    static final String MARKER = "PERSONAL-4711";

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    /** A serializer that refuses every value, as the default one refuses a class outside its allow-list. */
    static final class Refusing implements ValueSerializer {
        @Override
        public String formatId() {
            return "refusing";
        }

        @Override
        public byte[] serialize(Object value) {
            throw new ValueSerializationException("com.acme.Customer is not allowed");
        }

        @Override
        public Object deserialize(byte[] bytes) {
            throw new ValueSerializationException("com.acme.Customer is not allowed");
        }
    }

    @Test
    void aValueThatCannotBeSerializedIsLoggedWithoutItsKeyAboveDebug() {
        String key = "com.acme.Customers.find(\"" + MARKER + "\")";
        try (RedisServerProcess redis = RedisServerProcess.start();
             RedisCachingBackend backend = RedisCachingBackend.create(redis.uri(), RedisCachingBackendOptions
                     .builder().keyPrefix("keys-at-debug:").serializer(new Refusing()).build())) {
            backend.set(backend.beginLoad(ItemKey.of(key)), CacheItem.of("a customer"));
        }
        assertThat(log.atInfoOrAbove()).as("the failure was logged").anyMatch(l -> l.text().contains("not shared"));
        assertThat(log.atInfoOrAbove()).as("no INFO/WARN/ERROR line shows a key")
                .noneMatch(l -> l.text().contains(MARKER));
        assertThat(log.belowInfo()).as("the key at DEBUG").anyMatch(l -> l.text().contains(MARKER));
    }
}
