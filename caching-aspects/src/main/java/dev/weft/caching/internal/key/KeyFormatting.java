package dev.weft.caching.internal.key;

import dev.weft.caching.CacheKey;
import dev.weft.caching.KeyFormatter;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes argument values as canonical key text, identical in every JVM for equal values.
 *
 * <p>Rules, in order: a registered {@link KeyFormatter} for the class or a supertype; {@link CacheKey}; {@code null};
 * strings quoted with {@code \} and {@code "} escaped (so {@code ("a,b")} differs from {@code ("a","b")}); characters
 * quoted with {@code '}; booleans and numbers as {@code toString()}; enums by name; {@code UUID}, {@code java.time}
 * values (ISO-8601), {@code Date} (as an instant) and {@code Locale} (as a language tag); classes by binary name;
 * {@code Optional}s; arrays and lists as {@code [a,b]} in order; sets as {@code [a,b]} and maps as {@code {k=v}},
 * sorted by the elements' key text so that hash order never leaks in; records as {@code Name(c1,c2)}; any other
 * object whose class overrides {@code toString()}, by that. An object whose only text is {@code Object.toString()}
 * is refused with {@link UnformattableArgumentException}.
 *
 * <p>Thread-safe. The per-class decision is computed once and remembered; registering a formatter forgets them.
 */
public final class KeyFormatting {

    private interface Writer {
        void write(KeyFormatting f, Object value, StringBuilder out);
    }

    private final ConcurrentHashMap<Class<?>, KeyFormatter<?>> registered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, Writer> writers = new ConcurrentHashMap<>();

    /**
     * Registers {@code formatter} for {@code type} and its subtypes, replacing a previous one for that exact type.
     *
     * @throws IllegalArgumentException for a type whose key form is built in and fixed (strings, numbers, ...):
     *                                  changing it would change keys that other instances already use
     */
    public <T> void register(Class<T> type, KeyFormatter<? super T> formatter) {
        if (ValueTypes.isValueType(type) || type == Object.class) {
            throw new IllegalArgumentException("the key form of " + type.getName() + " is built in and cannot be "
                    + "replaced by a formatter");
        }
        registered.put(type, formatter);
        writers.clear();
    }

    /** Whether values of this exact class would be formatted by a registered formatter. */
    boolean hasRegisteredFormatter(Class<?> type) {
        return findRegistered(type) != null;
    }

    /** Appends the key text of {@code value} to {@code out}. */
    public void append(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
            return;
        }
        writerFor(value.getClass()).write(this, value, out);
    }

    /** Returns the key text of {@code value}. */
    public String format(Object value) {
        StringBuilder sb = new StringBuilder(32);
        append(value, sb);
        return sb.toString();
    }

    /**
     * Checks that values of a class can be formatted, without a value.
     *
     * @throws UnformattableArgumentException when they cannot
     */
    public void check(Class<?> type) {
        writerFor(type);
    }

    private Writer writerFor(Class<?> type) {
        Writer w = writers.get(type);
        if (w == null) {
            w = resolve(type);
            writers.putIfAbsent(type, w);
        }
        return w;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Writer resolve(Class<?> type) {
        KeyFormatter<?> user = findRegistered(type);
        if (user != null) {
            KeyFormatter raw = user;
            return (f, v, out) -> raw.format(v, out);
        }
        if (CacheKey.class.isAssignableFrom(type)) {
            return (f, v, out) -> out.append(((CacheKey) v).toCacheKey());
        }
        if (type == String.class) {
            return (f, v, out) -> appendQuoted((String) v, '"', out);
        }
        if (type == Character.class) {
            return (f, v, out) -> appendQuoted(String.valueOf((char) (Character) v), '\'', out);
        }
        if (type == Boolean.class || type == Integer.class || type == Long.class || type == Short.class
                || type == Byte.class || type == Double.class || type == Float.class || type == BigInteger.class
                || type == UUID.class || type == BigDecimal.class) {
            return (f, v, out) -> out.append(v);
        }
        if (Enum.class.isAssignableFrom(type)) {
            return (f, v, out) -> out.append(((Enum<?>) v).name());
        }
        if (type.getPackageName().equals("java.time") || type.getPackageName().startsWith("java.time.")) {
            // every value type of java.time prints itself in ISO-8601 form, independent of the JVM's locale and zone
            return (f, v, out) -> out.append(v);
        }
        if (Date.class.isAssignableFrom(type)) {
            // Date.toString() depends on the JVM's time zone: use the instant
            return (f, v, out) -> out.append(Instant.ofEpochMilli(((Date) v).getTime()));
        }
        if (Calendar.class.isAssignableFrom(type)) {
            return (f, v, out) -> {
                Calendar c = (Calendar) v;
                out.append(c.toInstant()).append('[').append(c.getTimeZone().getID()).append(']');
            };
        }
        if (type == Locale.class) {
            return (f, v, out) -> out.append(((Locale) v).toLanguageTag());
        }
        if (type == Class.class) {
            return (f, v, out) -> out.append(((Class<?>) v).getName());
        }
        if (type == Optional.class) {
            return (f, v, out) -> {
                Optional<?> o = (Optional<?>) v;
                if (o.isPresent()) {
                    out.append("Optional[");
                    f.append(o.get(), out);
                    out.append(']');
                } else {
                    out.append("Optional.empty");
                }
            };
        }
        if (type == OptionalInt.class || type == OptionalLong.class || type == OptionalDouble.class) {
            return (f, v, out) -> out.append(v);
        }
        if (type.isArray()) {
            return KeyFormatting::appendArray;
        }
        if (Set.class.isAssignableFrom(type)) {
            return (f, v, out) -> f.appendSorted((Collection<?>) v, out);
        }
        if (Collection.class.isAssignableFrom(type)) {
            return (f, v, out) -> f.appendInOrder((Collection<?>) v, out);
        }
        if (Map.class.isAssignableFrom(type)) {
            return (f, v, out) -> f.appendMap((Map<?, ?>) v, out);
        }
        if (type.isRecord()) {
            return recordWriter(type);
        }
        if (overridesToString(type)) {
            return (f, v, out) -> out.append(v);
        }
        throw new UnformattableArgumentException(type);
    }

    private KeyFormatter<?> findRegistered(Class<?> type) {
        if (registered.isEmpty()) {
            return null;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            KeyFormatter<?> f = registered.get(c);
            if (f != null) {
                return f;
            }
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                KeyFormatter<?> f = findRegisteredInterface(i);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private KeyFormatter<?> findRegisteredInterface(Class<?> i) {
        KeyFormatter<?> f = registered.get(i);
        if (f != null) {
            return f;
        }
        for (Class<?> parent : i.getInterfaces()) {
            f = findRegisteredInterface(parent);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static boolean overridesToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException impossible) {
            return false;
        }
    }

    private static Writer recordWriter(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        MethodHandle[] accessors = new MethodHandle[components.length];
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (int i = 0; i < components.length; i++) {
            try {
                accessors[i] = lookup.unreflect(components[i].getAccessor());
            } catch (IllegalAccessException e) {
                try {
                    var accessor = components[i].getAccessor();
                    accessor.setAccessible(true);
                    accessors[i] = MethodHandles.lookup().unreflect(accessor);
                } catch (RuntimeException | IllegalAccessException inaccessible) {
                    // a record we cannot read: fall back to its toString(), which records always override
                    return (f, v, out) -> out.append(v);
                }
            }
        }
        String name = simpleName(type);
        return (f, v, out) -> {
            out.append(name).append('(');
            for (int i = 0; i < accessors.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                Object component;
                try {
                    component = accessors[i].invoke(v);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("cannot read record component of " + type.getName(), t);
                }
                f.append(component, out);
            }
            out.append(')');
        };
    }

    private static String simpleName(Class<?> type) {
        String binary = type.getName();
        return binary.substring(binary.lastIndexOf('.') + 1);
    }

    private static void appendArray(KeyFormatting f, Object array, StringBuilder out) {
        out.append('[');
        int n = Array.getLength(array);
        Class<?> component = array.getClass().getComponentType();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (component == char.class) {
                appendQuoted(String.valueOf(((char[]) array)[i]), '\'', out);
            } else if (component.isPrimitive()) {
                out.append(Array.get(array, i));
            } else {
                f.append(((Object[]) array)[i], out);
            }
        }
        out.append(']');
    }

    private void appendInOrder(Collection<?> c, StringBuilder out) {
        out.append('[');
        boolean first = true;
        for (Object e : c) {
            if (!first) {
                out.append(',');
            }
            first = false;
            append(e, out);
        }
        out.append(']');
    }

    private void appendSorted(Collection<?> c, StringBuilder out) {
        List<String> parts = new ArrayList<>(c.size());
        for (Object e : c) {
            parts.add(format(e));
        }
        parts.sort(null);
        out.append('[');
        out.append(String.join(",", parts));
        out.append(']');
    }

    private void appendMap(Map<?, ?> m, StringBuilder out) {
        List<String> parts = new ArrayList<>(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            StringBuilder entry = new StringBuilder();
            append(e.getKey(), entry);
            entry.append('=');
            append(e.getValue(), entry);
            parts.add(entry.toString());
        }
        parts.sort(null);
        out.append('{');
        out.append(String.join(",", parts));
        out.append('}');
    }

    /** Appends {@code s} between {@code quote}s, escaping the quote and the backslash with a backslash. */
    static void appendQuoted(String s, char quote, StringBuilder out) {
        out.append(quote);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append(quote);
    }
}
