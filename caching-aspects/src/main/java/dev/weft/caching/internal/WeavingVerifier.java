package dev.weft.caching.internal;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.InvalidateCache;
import dev.weft.caching.internal.aspects.WovenByWeft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds Weft annotations that do nothing, behind {@code CachingServices.verifyWoven}: methods of classes that were
 * compiled without Weft's aspects (their {@code @Cached} methods run uncached), and annotations on interface or
 * abstract methods whose implementation does not repeat them. A woven method carries {@link WovenByWeft}, which the
 * weaver adds ({@code WeavingMarks}) wherever it weaves Weft's aspects: at build time, binary weaving included, and
 * at load time.
 *
 * <p>Reflection, once per class, at start-up: never on a call path.
 */
public final class WeavingVerifier {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching");

    private final Map<Class<?>, List<String>> notWoven = new LinkedHashMap<>();
    private final Set<String> abstractOnly = new LinkedHashSet<>();
    private final Set<Class<?>> seen = new LinkedHashSet<>();

    /**
     * Checks {@code classes}, their superclasses and interfaces.
     *
     * @throws CachingConfigurationException naming every problem found and how to fix the build
     */
    public static void verify(Class<?>... classes) {
        WeavingVerifier v = new WeavingVerifier();
        for (Class<?> c : classes) {
            v.check(c);
        }
        String report = v.report();
        if (report != null) {
            throw new CachingConfigurationException(report);
        }
    }

    private void check(Class<?> type) {
        if (type == null || type.isPrimitive() || type.isArray() || type.isAnnotation()) {
            return;
        }
        try {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                checkDeclared(c, type);
                for (Class<?> i : c.getInterfaces()) {
                    checkInterface(i, type);
                }
            }
        } catch (LinkageError e) {
            // a method signature names a class missing from the class path: Weft cannot call into it either
            LOG.debug("Could not check whether {} is woven: {}", type.getName(), e.toString());
        }
    }

    private void checkInterface(Class<?> i, Class<?> implementation) {
        checkDeclared(i, implementation);
        for (Class<?> parent : i.getInterfaces()) {
            checkInterface(parent, implementation);
        }
    }

    /** Checks the methods {@code c} declares, as seen from {@code implementation}, a concrete subtype or itself. */
    private void checkDeclared(Class<?> c, Class<?> implementation) {
        boolean firstVisit = seen.add(c);
        for (Method m : c.getDeclaredMethods()) {
            if (m.isBridge() || m.isSynthetic()) {
                continue;
            }
            Class<? extends Annotation> weft = weftAnnotation(m);
            if (weft == null) {
                continue;
            }
            if (!Modifier.isAbstract(m.getModifiers())) {
                if (firstVisit && !m.isAnnotationPresent(WovenByWeft.class)) {
                    notWoven.computeIfAbsent(c, k -> new ArrayList<>()).add(signature(m));
                }
                continue;
            }
            Method impl = implementationOf(m, implementation);
            if (impl == null) {
                abstractOnly.add(c.getName() + "." + signature(m) + " is @" + weft.getSimpleName() + " but abstract"
                        + (implementation == c ? "" : ", and " + implementation.getName() + " does not implement it"));
            } else if (!impl.isAnnotationPresent(weft)) {
                abstractOnly.add(c.getName() + "." + signature(m) + " is @" + weft.getSimpleName()
                        + ", but its implementation " + impl.getDeclaringClass().getName() + "." + signature(impl)
                        + " is not");
            }
        }
    }

    private static Class<? extends Annotation> weftAnnotation(Method m) {
        if (m.isAnnotationPresent(Cached.class)) {
            return Cached.class;
        }
        if (m.isAnnotationPresent(InvalidateCache.class)) {
            return InvalidateCache.class;
        }
        return null;
    }

    /** The concrete method {@code type} runs for the abstract {@code m}, or {@code null}. */
    private static Method implementationOf(Method m, Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method found = c.getDeclaredMethod(m.getName(), m.getParameterTypes());
                if (!Modifier.isAbstract(found.getModifiers())) {
                    return found;
                }
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        return null;
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** The report of what was found, or {@code null} when all is well. */
    private String report() {
        if (notWoven.isEmpty() && abstractOnly.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("Weft: these @Cached/@InvalidateCache annotations do nothing:");
        notWoven.forEach((c, methods) -> sb.append("\n  - ").append(c.getName())
                .append(" was not woven with Weft's aspects: ").append(String.join(", ", methods))
                .append(methods.size() == 1 ? " runs" : " run").append(" as plain Java"));
        abstractOnly.forEach(a -> sb.append("\n  - ").append(a)
                .append(": annotations on interface and abstract methods have no effect"));
        if (!notWoven.isEmpty()) {
            sb.append("\nFix the build: compile or weave these classes with ajc, with dev.weft:weft-caching-aspects as "
                    + "an aspect library (aspectj-maven-plugin, see docs/getting-started.md); an IDE must delegate "
                    + "its build to Maven or compile with ajc.");
        }
        if (!abstractOnly.isEmpty()) {
            sb.append("\nPut the annotation on the implementing method; for a Spring Data repository, on a method of a "
                    + "class that calls it.");
        }
        return sb.toString();
    }
}
