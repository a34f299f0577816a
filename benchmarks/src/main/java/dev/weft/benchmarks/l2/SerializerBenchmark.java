package dev.weft.benchmarks.l2;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.weft.caching.backend.ValueSerializer;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.internal.AllowListTyping;
import dev.weft.caching.redis.backend.internal.ClassAllowList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The default {@code ValueSerializer}, chosen by this benchmark: one operation is a serialize and a deserialize of the
 * same value (what a store on one instance and a read on another cost together), of a small record and of a 2 KB
 * object graph. Candidates:
 *
 * <ul>
 *   <li>{@code weftJson}: {@link JsonValueSerializer}, the default: Jackson JSON, every value naming its class,
 *       every name checked against an allow-list on both ways;</li>
 *   <li>{@code weftCbor}: the same typing and allow-list on Jackson's binary CBOR format;</li>
 *   <li>{@code jacksonTyped}: plain Jackson JSON told the value's class, no class names in the bytes: the floor of
 *       what Jackson costs, which a backend cannot use (it does not know the method's return type);</li>
 *   <li>{@code kryo}: Kryo 5 (Redisson's default codec's library) with registration required, its safe mode: every
 *       class registered, in the same order, by every instance;</li>
 *   <li>{@code javaSerialization}: {@code ObjectOutputStream} and an {@code ObjectInputStream} with an
 *       {@code ObjectInputFilter} allow-list, the JDK's own way (what Spring's {@code RedisCacheManager} uses by
 *       default, without a filter).</li>
 * </ul>
 * Sizes are printed once per trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class SerializerBenchmark {

    @Param({"weftJson", "weftCbor", "jacksonTyped", "kryo", "javaSerialization"})
    public String codec;

    @Param({"small", "graph2k"})
    public String shape;

    private ValueSerializer serializer;
    private Object value;

    @Setup
    public void setUp() {
        value = Values.of(shape, 42);
        serializer = create(codec, value.getClass());
        byte[] bytes = serializer.serialize(value);
        if (!value.equals(serializer.deserialize(bytes))) {
            throw new IllegalStateException(codec + " does not round-trip " + value);
        }
        System.out.println("# " + codec + " " + shape + ": " + bytes.length + " bytes");
    }

    @Benchmark
    public Object roundTrip() {
        return serializer.deserialize(serializer.serialize(value));
    }

    static ValueSerializer create(String codec, Class<?> type) {
        switch (codec) {
            case "weftJson":
                return JsonValueSerializer.builder().allowPackages("dev.weft.benchmarks").build();
            case "weftCbor":
                return jackson(CBORMapper.builder(new CBORFactory()), true, Object.class);
            case "jacksonTyped":
                return jackson(JsonMapper.builder(), false, type);
            case "kryo":
                return new KryoRegistered();
            case "javaSerialization":
                return new JavaSerialization();
            default:
                throw new IllegalArgumentException("unknown codec " + codec);
        }
    }

    private static ValueSerializer jackson(com.fasterxml.jackson.databind.cfg.MapperBuilder<?, ?> builder,
                                           boolean typed, Class<?> type) {
        builder.addModule(new Jdk8Module()).addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        if (typed) {
            builder.setDefaultTyping(AllowListTyping.of(new ClassAllowList(Set.of(), List.of("dev.weft.benchmarks"))));
        }
        ObjectMapper mapper = builder.build();
        ObjectWriter writer = mapper.writerFor(type);
        ObjectReader reader = mapper.readerFor(type);
        return new ValueSerializer() {
            @Override
            public String formatId() {
                return "benchmark";
            }

            @Override
            public byte[] serialize(Object v) {
                try {
                    return writer.writeValueAsBytes(v);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public Object deserialize(byte[] bytes) {
                try {
                    return reader.readValue(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Kryo 5 with registration required: bytes can name only the registered classes, by number. */
    static final class KryoRegistered implements ValueSerializer {
        private final com.esotericsoftware.kryo.Kryo kryo = new com.esotericsoftware.kryo.Kryo();

        KryoRegistered() {
            kryo.setRegistrationRequired(true);
            com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
            com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers.registerSerializers(kryo);
            kryo.register(java.util.ArrayList.class);
            kryo.register(java.math.BigDecimal.class);
            kryo.register(java.time.Instant.class);
            kryo.register(Values.SmallProduct.class);
            kryo.register(Values.Price.class);
            kryo.register(Values.Customer.class);
            kryo.register(Values.Line.class);
            kryo.register(Values.Order.class);
        }

        @Override
        public String formatId() {
            return "kryo";
        }

        @Override
        public byte[] serialize(Object v) {
            com.esotericsoftware.kryo.io.Output out = new com.esotericsoftware.kryo.io.Output(512, -1);
            kryo.writeClassAndObject(out, v);
            return out.toBytes();
        }

        @Override
        public Object deserialize(byte[] bytes) {
            return kryo.readClassAndObject(new com.esotericsoftware.kryo.io.Input(bytes));
        }
    }

    /** Java serialization with an allow-list filter (the benchmark's values, the JDK types they hold). */
    static final class JavaSerialization implements ValueSerializer {
        private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
                "dev.weft.benchmarks.**;java.lang.*;java.math.*;java.time.*;java.util.*;!*");

        @Override
        public String formatId() {
            return "java";
        }

        @Override
        public byte[] serialize(Object v) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            try (ObjectOutputStream o = new ObjectOutputStream(out)) {
                o.writeObject(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        @Override
        public Object deserialize(byte[] bytes) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                in.setObjectInputFilter(FILTER);
                return in.readObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
