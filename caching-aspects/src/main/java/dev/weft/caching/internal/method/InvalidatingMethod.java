package dev.weft.caching.internal.method;

import dev.weft.caching.CacheKey;
import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.key.DependencyTemplate;
import dev.weft.caching.backend.ItemKey;
import org.aspectj.lang.JoinPoint;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * What an {@link InvalidateCache} method removes, worked out once: for each named cached overload whose key
 * parameters all match this method's parameters (same name, compatible type), which argument feeds which key
 * component; and the dependency templates over this method's parameters.
 */
public final class InvalidatingMethod {

    private static final class Target {
        final CachedMethod method;
        final int[] sourceOfParameter; // for each parameter of the cached method, the argument index here, or -1
        /**
         * Whether this method's own instance is an instance of the cached method's class, so that the cached calls
         * it invalidates are those made on it: then its target takes part in the key exactly when the cached side's
         * does, which is decided by the target's class at run time (a subclass may implement CacheKey).
         */
        final boolean sameInstance;

        Target(CachedMethod method, int[] sourceOfParameter, boolean sameInstance) {
            this.method = method;
            this.sourceOfParameter = sourceOfParameter;
            this.sameInstance = sameInstance;
        }
    }

    private final String display;
    private final Target[] targets;
    private final DependencyTemplate[] dependencies;

    InvalidatingMethod(Method method, JoinPoint.StaticPart joinPoint) {
        InvalidateCache annotation = method.getAnnotation(InvalidateCache.class);
        String[] names = ParameterNames.of(method, joinPoint);
        this.display = ParameterNames.display(method, names);
        if (annotation == null) {
            throw new CachingConfigurationException(display + " is not annotated @InvalidateCache");
        }
        if (annotation.value().length == 0 && annotation.dependencies().length == 0) {
            throw new CachingConfigurationException(display + ": @InvalidateCache names no cached method and no "
                    + "dependency");
        }
        if (names == null && (annotation.value().length > 0 || hasPlaceholder(annotation.dependencies()))) {
            throw new CachingConfigurationException(display + ": @InvalidateCache matches parameters by name; "
                    + "compile " + method.getDeclaringClass().getName() + " with -parameters");
        }
        Class<?> type = annotation.type() == void.class ? method.getDeclaringClass() : annotation.type();
        List<Target> found = new ArrayList<>();
        for (String name : annotation.value()) {
            found.addAll(match(method, names, type, name));
        }
        this.targets = found.toArray(new Target[0]);
        this.dependencies = new DependencyTemplate[annotation.dependencies().length];
        for (int i = 0; i < dependencies.length; i++) {
            String owner = display + ", @InvalidateCache(dependencies)";
            dependencies[i] = DependencyTemplate.parse(annotation.dependencies()[i], n -> indexOf(names, n), owner,
                    "a parameter of this method");
        }
    }

    private static boolean hasPlaceholder(String[] templates) {
        for (String t : templates) {
            if (t.replace("{{", "").contains("{")) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private List<Target> match(Method source, String[] sourceNames, Class<?> type, String name) {
        List<Method> candidates = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.isAnnotationPresent(Cached.class) && !m.isBridge()) {
                    candidates.add(m);
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new CachingConfigurationException(display + ": @InvalidateCache names \"" + name + "\", but "
                    + type.getName() + " has no @Cached method of that name");
        }
        List<Target> matched = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        Class<?>[] sourceTypes = source.getParameterTypes();
        for (Method candidate : candidates) {
            CachedMethod cached = CachedMethods.forMethod(candidate);
            String[] keyNames = cached.keys().keyParameterNames();
            int[] keyParams = cached.keys().keyParameters();
            Class<?>[] candidateTypes = candidate.getParameterTypes();
            int[] sourceOf = new int[candidateTypes.length];
            java.util.Arrays.fill(sourceOf, -1);
            List<String> missing = new ArrayList<>();
            for (int k = 0; k < keyParams.length; k++) {
                int p = keyParams[k];
                int s = indexOf(sourceNames, keyNames[k]);
                if (s < 0 || !compatible(sourceTypes[s], candidateTypes[p])) {
                    missing.add(candidateTypes[p].getSimpleName() + " " + keyNames[k]);
                } else {
                    sourceOf[p] = s;
                }
            }
            boolean sameInstance = !Modifier.isStatic(source.getModifiers())
                    && !Modifier.isStatic(candidate.getModifiers())
                    && candidate.getDeclaringClass().isAssignableFrom(source.getDeclaringClass());
            if (CacheKey.class.isAssignableFrom(candidate.getDeclaringClass()) && !sameInstance) {
                reasons.add(cached.display() + ": its class implements CacheKey, so its keys include the target "
                        + "instance; invalidate it from an instance method of that class");
                continue;
            }
            if (missing.isEmpty()) {
                matched.add(new Target(cached, sourceOf, sameInstance));
            } else {
                reasons.add(cached.display() + " needs " + String.join(", ", missing));
            }
        }
        if (matched.isEmpty()) {
            throw new CachingConfigurationException(display + ": @InvalidateCache(\"" + name + "\") matches no "
                    + "overload, because parameters are matched by name and type: " + String.join("; ", reasons));
        }
        return matched;
    }

    private static boolean compatible(Class<?> source, Class<?> target) {
        return box(target).isAssignableFrom(box(source));
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        if (t == int.class) {
            return Integer.class;
        }
        if (t == long.class) {
            return Long.class;
        }
        if (t == boolean.class) {
            return Boolean.class;
        }
        if (t == double.class) {
            return Double.class;
        }
        if (t == float.class) {
            return Float.class;
        }
        if (t == char.class) {
            return Character.class;
        }
        if (t == short.class) {
            return Short.class;
        }
        return Byte.class;
    }

    /** Removes the entries and dependencies this method's call names. */
    public void invalidate(Object target, Object[] args) {
        CachingBackend backend = CachingRuntime.backend();
        for (Target t : targets) {
            Object[] cachedArgs = new Object[t.sourceOfParameter.length];
            for (int p = 0; p < cachedArgs.length; p++) {
                int s = t.sourceOfParameter[p];
                cachedArgs[p] = s >= 0 ? args[s] : null;
            }
            ItemKey key = t.method.keys().keyOf(t.sameInstance ? target : null, cachedArgs);
            t.method.statistics().invalidated();
            backend.invalidate(key.canonical());
        }
        for (DependencyTemplate d : dependencies) {
            backend.invalidateDependency(d.render(i -> args[i], CachingRuntime.FORMATTING));
        }
    }

    @Override
    public String toString() {
        return "InvalidatingMethod{" + display + '}';
    }
}
