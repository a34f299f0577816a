package dev.weft.caching.redis.backend.internal;

import java.util.List;
import java.util.Set;

/**
 * The classes a {@code JsonValueSerializer} may name in its bytes: checked by name, before any class is loaded, when
 * reading, and when writing (so that a value no instance could read is refused where it is made, with a message that
 * says what to allow, instead of being written and then missed by every reader).
 *
 * <p>The JDK part is a fixed list of inert value and container classes: no class with behaviour on construction or
 * deserialization (no {@code java.util.logging}, no {@code javax.management}, no class loaders). Applications add
 * their own packages and classes.
 */
public final class ClassAllowList {

    /** Value classes of the JDK, allowed always. */
    private static final Set<String> JDK_CLASSES = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.math.BigDecimal", "java.math.BigInteger",
            "java.util.UUID", "java.util.Date", "java.util.Currency", "java.util.Locale",
            "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong", "java.util.OptionalDouble",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashMap",
            "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet",
            "java.util.TreeSet", "java.util.EnumMap", "java.util.EnumSet", "java.util.RegularEnumSet",
            "java.util.JumboEnumSet", "java.util.Arrays$ArrayList",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.CopyOnWriteArrayList");

    /** JDK families of immutable containers and time values (their names vary by JDK version). */
    private static final List<String> JDK_PREFIXES = List.of(
            "java.util.ImmutableCollections$", "java.util.Collections$Unmodifiable", "java.util.Collections$Empty",
            "java.util.Collections$Singleton", "java.util.Collections$Synchronized", "java.time.");

    private final Set<String> classes;
    private final List<String> packagePrefixes;

    /** Allows the JDK's value classes, {@code classes} by binary name, and every class under {@code packages}. */
    public ClassAllowList(Set<String> classes, List<String> packages) {
        this.classes = Set.copyOf(classes);
        this.packagePrefixes = packages.stream().map(p -> p.endsWith(".") ? p : p + ".").toList();
    }

    /** Whether a value may be of the class with this binary name; arrays are judged by their element class. */
    public boolean allows(String className) {
        String name = elementName(className);
        if (name == null) {
            return true; // an array of primitives
        }
        if (JDK_CLASSES.contains(name) || classes.contains(name)) {
            return true;
        }
        for (String prefix : JDK_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        for (String prefix : packagePrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The element class of an array type name ({@code [Lcom.acme.P;}), the name itself otherwise; null: primitive. */
    private static String elementName(String className) {
        if (!className.startsWith("[")) {
            return className;
        }
        int i = 0;
        while (i < className.length() && className.charAt(i) == '[') {
            i++;
        }
        if (i < className.length() && className.charAt(i) == 'L' && className.endsWith(";")) {
            return className.substring(i + 1, className.length() - 1);
        }
        return null;
    }

    @Override
    public String toString() {
        return "ClassAllowList{JDK value classes, classes=" + classes + ", packages=" + packagePrefixes + '}';
    }
}
