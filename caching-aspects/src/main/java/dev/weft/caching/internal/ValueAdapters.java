package dev.weft.caching.internal;

import dev.weft.caching.ValueAdapter;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The registry of {@link ValueAdapter}s, with the built-in ones. Looked up once per method, never per call. */
public final class ValueAdapters {

    private static final Map<Class<?>, ValueAdapter<?>> ADAPTERS = new ConcurrentHashMap<>();

    static {
        register(new StreamAdapter());
        register(new IteratorAdapter());
        register(new InputStreamAdapter());
    }

    private ValueAdapters() {
    }

    public static void register(ValueAdapter<?> adapter) {
        Objects.requireNonNull(adapter, "adapter");
        ADAPTERS.put(Objects.requireNonNull(adapter.type(), "adapter.type()"), adapter);
    }

    /** The adapter for a declared return type: exact, else the nearest registered supertype, else {@code null}. */
    public static ValueAdapter<?> forReturnType(Class<?> type) {
        ValueAdapter<?> exact = ADAPTERS.get(type);
        if (exact != null) {
            return exact;
        }
        for (Class<?> c = type.getSuperclass(); c != null && c != Object.class; c = c.getSuperclass()) {
            ValueAdapter<?> a = ADAPTERS.get(c);
            if (a != null) {
                return a;
            }
        }
        for (Map.Entry<Class<?>, ValueAdapter<?>> e : ADAPTERS.entrySet()) {
            if (e.getKey().isAssignableFrom(type) && e.getKey() != Object.class) {
                return e.getValue();
            }
        }
        return null;
    }

    @SuppressWarnings("rawtypes")
    private static final class StreamAdapter implements ValueAdapter<Stream> {
        @Override
        public Class<Stream> type() {
            return Stream.class;
        }

        @Override
        public Object toStored(Stream returned) {
            if (returned == null) {
                return null;
            }
            try (Stream s = returned) {
                List<Object> all = new ArrayList<>();
                s.forEachOrdered(all::add);
                return Collections.unmodifiableList(all);
            }
        }

        @Override
        public Stream fromStored(Object stored) {
            return stored == null ? null : ((List<?>) stored).stream();
        }
    }

    @SuppressWarnings("rawtypes")
    private static final class IteratorAdapter implements ValueAdapter<Iterator> {
        @Override
        public Class<Iterator> type() {
            return Iterator.class;
        }

        @Override
        public Object toStored(Iterator returned) {
            if (returned == null) {
                return null;
            }
            List<Object> all = new ArrayList<>();
            returned.forEachRemaining(all::add);
            return Collections.unmodifiableList(all);
        }

        @Override
        public Iterator fromStored(Object stored) {
            return stored == null ? null : ((List<?>) stored).iterator();
        }
    }

    private static final class InputStreamAdapter implements ValueAdapter<InputStream> {
        @Override
        public Class<InputStream> type() {
            return InputStream.class;
        }

        @Override
        public Object toStored(InputStream returned) throws Exception {
            if (returned == null) {
                return null;
            }
            try (InputStream in = returned) {
                return in.readAllBytes();
            }
        }

        @Override
        public InputStream fromStored(Object stored) {
            return stored == null ? null : new ByteArrayInputStream((byte[]) stored);
        }
    }
}
