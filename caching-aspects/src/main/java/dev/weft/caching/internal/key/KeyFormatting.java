package dev.weft.caching.internal.key;

import dev.weft.caching.CacheKey;
import dev.weft.caching.KeyFormatter;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes argument values as canonical key text, identical in every JVM and on every JDK for equal values, and
 * different for values that are not equal (up to what an application's own {@code toString()}, formatter or
 * {@link CacheKey} writes).
 *
 * <p>The forms, in order of precedence:
 * <ol>
 *   <li>The JDK's own types have fixed forms that no formatter changes (instances of a fleet already use them):
 *       the scalars of {@link Scalar} ({@code "text"}, {@code 'c'}, {@code 42}, {@code 42L}, {@code 4.2D},
 *       {@code BigDecimal(10.50)}, ISO-8601 times...), {@code null}, {@code Date(<instant>)},
 *       {@code Calendar(<instant>[<zone>])}, a {@code Locale}'s language tag, {@code java.lang.String.class},
 *       {@code Optional[x]}/{@code Optional.empty}, arrays {@code int[]{1,2}}, lists and other collections
 *       {@code [a,b]}, sets {@code {a,b}} and maps {@code {k=v}} (empty: <code>{=}</code>), the last two sorted by
 *       their elements' text so that hash order never leaks in.</li>
 *   <li>An application type that implements {@link CacheKey}: its {@code toCacheKey()}.</li>
 *   <li>An application type with a registered {@link KeyFormatter} (for it or a supertype): what it writes.</li>
 *   <li>Application enums {@code Color.RED}, records {@code Point(1,2)}, collections and maps as above.</li>
 *   <li>Any other class that overrides {@code toString()}: that text.</li>
 * </ol>
 * An object whose only text is {@code Object.toString()}'s identity hash is refused with
 * {@link UnformattableArgumentException}: it would make a different key in every JVM.
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
     * Registers {@code formatter} for {@code type} and its subtypes, replacing a previous one for that exact type. A
     * formatter for a JDK supertype ({@code Number}, {@code CharSequence}) never applies to a JDK class that has a
     * built-in form ({@code Integer}, {@code String}), only to application classes and JDK classes without one.
     *
     * @throws IllegalArgumentException for {@code Object} and for JDK types whose key form is built in (strings,
     *                                  numbers, collections...): changing it would change keys that other instances
     *                                  already use
     */
    public <T> void register(Class<T> type, KeyFormatter<? super T> formatter) {
        if (type == Object.class || (isJdk(type) && builtIn(type) != null) || type.isArray() || type.isPrimitive()) {
            throw new IllegalArgumentException("the key form of " + type.getName() + " is built in and cannot be "
                    + "replaced by a formatter");
        }
        registered.put(type, formatter);
        writers.clear();
    }

    /**
     * Whether the key text of values of this class comes from the application (a {@link CacheKey} implementation or
     * a registered formatter) rather than from Weft's built-in forms.
     */
    boolean hasApplicationForm(Class<?> type) {
        return !isJdk(type) && (CacheKey.class.isAssignableFrom(type) || findRegistered(type) != null);
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
     * Appends {@code value} the way a dependency template shows it, as a person would write the dependency key: a
     * string or character as it is, a number without its type suffix ({@code product:42} for a {@code long}), an
     * enum by its name; anything else by its key text.
     */
    public void appendPlain(Object value, StringBuilder out) {
        if (value instanceof String) {
            out.append((String) value);
        } else if (value instanceof Character || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof java.math.BigInteger
                || value instanceof java.math.BigDecimal || value instanceof java.time.Year) {
            out.append(value);
        } else if (value instanceof Double) {
            out.append(Decimals.toText((Double) value));
        } else if (value instanceof Float) {
            out.append(Decimals.toText((Float) value));
        } else if (value instanceof Enum && !hasApplicationForm(value.getClass())) {
            out.append(((Enum<?>) value).name());
        } else {
            append(value, out);
        }
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
            Writer known = writers.putIfAbsent(type, w);
            if (known != null) {
                w = known; // another thread resolved it first: every caller uses the one registered
            }
        }
        return w;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Writer resolve(Class<?> type) {
        if (isJdk(type) || type.isArray()) {
            Writer fixed = builtIn(type);
            if (fixed != null) {
                return fixed;
            }
        }
        if (CacheKey.class.isAssignableFrom(type) && !isJdk(type)) {
            return (f, v, out) -> out.append(((CacheKey) v).toCacheKey());
        }
        KeyFormatter<?> user = findRegistered(type);
        if (user != null && !isJdk(type)) {
            KeyFormatter raw = user;
            return (f, v, out) -> raw.format(v, out);
        }
        Writer generic = builtIn(type);
        if (generic != null) {
            return generic;
        }
        if (type.isRecord()) {
            return recordWriter(type);
        }
        if (user != null) {
            KeyFormatter raw = user;
            return (f, v, out) -> raw.format(v, out);
        }
        if (overridesToString(type)) {
            return (f, v, out) -> out.append(v);
        }
        throw new UnformattableArgumentException(type);
    }

    /** The built-in form of a class, or {@code null} when it has none (records are handled apart). */
    private static Writer builtIn(Class<?> type) {
        Scalar scalar = Scalar.of(type);
        if (scalar != null) {
            return (f, v, out) -> scalar.write(v, out);
        }
        if (Enum.class.isAssignableFrom(type)) {
            return (f, v, out) -> {
                Enum<?> e = (Enum<?>) v;
                out.append(e.getDeclaringClass().getSimpleName()).append('.').append(e.name());
            };
        }
        if (Date.class.isAssignableFrom(type)) {
            // Date.toString() depends on the JVM's time zone: use the instant
            return (f, v, out) -> out.append("Date(").append(Instant.ofEpochMilli(((Date) v).getTime())).append(')');
        }
        if (Calendar.class.isAssignableFrom(type)) {
            return (f, v, out) -> {
                Calendar c = (Calendar) v;
                out.append("Calendar(").append(c.toInstant()).append('[').append(c.getTimeZone().getID())
                        .append("])");
            };
        }
        if (type == Locale.class) {
            return (f, v, out) -> out.append(((Locale) v).toLanguageTag());
        }
        if (type == Class.class) {
            return (f, v, out) -> out.append(((Class<?>) v).getName()).append(".class");
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
        if (type == OptionalInt.class || type == OptionalLong.class) {
            return (f, v, out) -> out.append(v);
        }
        if (type == OptionalDouble.class) {
            return (f, v, out) -> {
                OptionalDouble o = (OptionalDouble) v;
                out.append(o.isPresent() ? "OptionalDouble[" + Decimals.toText(o.getAsDouble()) + "]"
                        : "OptionalDouble.empty");
            };
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
        return null;
    }

    /** Whether the JDK itself (the boot or platform class loader) defines the class. */
    static boolean isJdk(Class<?> type) {
        Class<?> t = type;
        while (t.isArray()) {
            t = t.getComponentType();
        }
        if (t.isPrimitive()) {
            return true;
        }
        ClassLoader loader = t.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
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
                    // Not its toString() instead: that would make a key other than the one an instance that can read
                    // the record makes (on the class path), so two instances would disagree without a word.
                    throw new UnformattableArgumentException(type, "record " + type.getName() + " cannot be read "
                            + "by Weft to build its key (its package is not open to Weft on the module path); add "
                            + "'opens " + type.getPackageName() + " to dev.weft.caching;' to module-info.java, "
                            + "implement dev.weft.caching.CacheKey, or register a formatter");
                }
            }
        }
        String name = type.getSimpleName();
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

    private static void appendArray(KeyFormatting f, Object array, StringBuilder out) {
        Class<?> component = array.getClass().getComponentType();
        out.append(array.getClass().getSimpleName()).append('{');
        int n = Array.getLength(array);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            f.append(component.isPrimitive() ? Array.get(array, i) : ((Object[]) array)[i], out);
        }
        out.append('}');
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
        out.append('{').append(String.join(",", parts)).append('}');
    }

    private void appendMap(Map<?, ?> m, StringBuilder out) {
        if (m.isEmpty()) {
            out.append("{=}");
            return;
        }
        List<String> parts = new ArrayList<>(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            StringBuilder entry = new StringBuilder();
            append(e.getKey(), entry);
            entry.append('=');
            append(e.getValue(), entry);
            parts.add(entry.toString());
        }
        parts.sort(null);
        out.append('{').append(String.join(",", parts)).append('}');
    }
}
