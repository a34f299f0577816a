package dev.weft.caching.redis.backend;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.weft.caching.backend.ValueSerializationException;
import dev.weft.caching.backend.ValueSerializer;
import dev.weft.caching.redis.backend.internal.AllowListTyping;
import dev.weft.caching.redis.backend.internal.ClassAllowList;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The default {@link ValueSerializer} of {@link RedisCachingBackend}: JSON written and read by Jackson, where every
 * value names its class, and every name is checked against an allow-list before a class is loaded.
 *
 * <pre>{@code
 * JsonValueSerializer.builder().allowPackages("com.acme.shop.catalog").build();
 * }</pre>
 *
 * <p>What is allowed: the JDK's value classes (strings, boxed primitives, {@code BigDecimal}, {@code UUID},
 * {@code java.time}, {@code Optional}, the standard lists, sets and maps, immutable ones included) and the packages
 * and classes the application names. A value of any other class is refused when it is written (the caller still gets
 * it; the backend logs which class to allow and keeps it out of Redis), and bytes that name any other class are
 * refused when read, before the class is loaded. Nothing is ever read with Java's native deserialization.
 *
 * <p>Values are Jackson's usual beans: records, classes with getters and setters or a {@code @JsonCreator}
 * constructor, enums. Unknown properties are ignored, so an instance of the next release, whose record has one more
 * component, can read what this one wrote (the new component is then {@code null} or zero) and the reverse. Dates and
 * times are ISO-8601 text with their zone, so a {@code ZonedDateTime} comes back equal.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonValueSerializer implements ValueSerializer {

    private static final String FORMAT_ID = "weft-json-1";
    private static final byte NULL = 0;
    private static final byte EMPTY_OPTIONAL = 1;
    private static final byte JSON = 2;
    private static final byte PRESENT_OPTIONAL = 3;

    private final ObjectWriter writer;
    private final ObjectReader reader;
    private final ClassAllowList allowList;

    private JsonValueSerializer(Builder b) {
        this.allowList = new ClassAllowList(b.classes, b.packages);
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModules(b.modules)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .setDefaultTyping(AllowListTyping.of(allowList))
                .build();
        this.writer = mapper.writerFor(Object.class);
        this.reader = mapper.readerFor(Object.class);
    }

    /** A serializer that allows the JDK's value classes only. */
    public static JsonValueSerializer create() {
        return builder().build();
    }

    /** Starts configuring a serializer. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String formatId() {
        return FORMAT_ID;
    }

    @Override
    public byte[] serialize(Object value) {
        // One byte before the JSON says what the top level is: null, an empty Optional, a present Optional, or
        // anything else. Jackson writes an Optional as its content (an empty one as a bare null), so without it a
        // cached Optional.empty() would come back as null.
        if (value == null) {
            return new byte[] {NULL};
        }
        byte kind = JSON;
        Object json = value;
        if (value instanceof Optional) {
            // Jackson writes an Optional as its content, without saying it was one
            if (((Optional<?>) value).isEmpty()) {
                return new byte[] {EMPTY_OPTIONAL};
            }
            kind = PRESENT_OPTIONAL;
            json = ((Optional<?>) value).get();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(kind);
            writer.writeValue(out, json);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw failure("cannot write a value of " + value.getClass().getName(), e);
        }
    }

    @Override
    public Object deserialize(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 1 && bytes[0] == NULL) {
            return null;
        }
        if (bytes.length == 1 && bytes[0] == EMPTY_OPTIONAL) {
            return Optional.empty();
        }
        if (bytes.length < 2 || bytes[0] != JSON && bytes[0] != PRESENT_OPTIONAL) {
            throw new ValueSerializationException("cannot read a value (" + bytes.length + " bytes): not in the format "
                    + FORMAT_ID);
        }
        try {
            Object value = reader.readValue(bytes, 1, bytes.length - 1);
            return bytes[0] == PRESENT_OPTIONAL ? Optional.of(value) : value;
        } catch (IOException | RuntimeException e) {
            throw failure("cannot read a value (" + bytes.length + " bytes)", e);
        }
    }

    private ValueSerializationException failure(String what, Throwable e) {
        AllowListTyping.NotAllowedClassException refused = refusal(e);
        if (refused != null) {
            return new ValueSerializationException(what + ": class " + refused.className() + " is not allowed; "
                    + "allow it with JsonValueSerializer.builder().allowClasses(...) or allowPackages(\""
                    + packageOf(refused.className()) + "\")", e);
        }
        return new ValueSerializationException(what + ": " + e.getMessage(), e);
    }

    private static AllowListTyping.NotAllowedClassException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AllowListTyping.NotAllowedClassException) {
                return (AllowListTyping.NotAllowedClassException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(className.startsWith("[L") ? 2 : 0, dot);
    }

    @Override
    public String toString() {
        return "JsonValueSerializer{" + allowList + '}';
    }

    /** Configures a {@link JsonValueSerializer}. Each setter validates its arguments at once. Not thread-safe. */
    public static final class Builder {
        private static final Pattern PACKAGE = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

        private final List<String> packages = new ArrayList<>();
        private final Set<String> classes = new LinkedHashSet<>();
        private final List<Module> modules = new ArrayList<>();

        private Builder() {
        }

        /**
         * Allows every class in these packages and their subpackages ({@code "com.acme.shop"} allows
         * {@code com.acme.shop.Product} and {@code com.acme.shop.model.Price}). Name your own packages only: a
         * library's package may hold classes that act when they are built.
         *
         * @throws IllegalArgumentException for a name that is not a package name, or a package of the JDK
         *                                  ({@code java.}, {@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.})
         */
        public Builder allowPackages(String... packageNames) {
            for (String p : packageNames) {
                Objects.requireNonNull(p, "package name");
                String name = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
                if (!PACKAGE.matcher(name).matches()) {
                    throw new IllegalArgumentException("not a package name: \"" + p + "\"");
                }
                if (name.equals("java") || name.startsWith("java.") || name.startsWith("javax.")
                        || name.equals("javax") || name.startsWith("jdk.") || name.startsWith("sun.")
                        || name.startsWith("com.sun.")) {
                    throw new IllegalArgumentException("a JDK package cannot be allowed as a whole: \"" + p
                            + "\"; its value classes are allowed already, allow any other class by name");
                }
                packages.add(name);
            }
            return this;
        }

        /** Allows these classes (arrays of them too). */
        public Builder allowClasses(Class<?>... types) {
            for (Class<?> t : types) {
                Objects.requireNonNull(t, "class");
                classes.add(t.getName());
            }
            return this;
        }

        /** Registers a Jackson module, for types Jackson does not handle by itself (the module's own rules apply). */
        public Builder registerModule(Module module) {
            modules.add(Objects.requireNonNull(module, "module"));
            return this;
        }

        /** Creates the serializer. */
        public JsonValueSerializer build() {
            return new JsonValueSerializer(this);
        }
    }
}
