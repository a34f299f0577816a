package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.NotCacheKey;
import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.reflect.CodeSignature;
import org.aspectj.lang.reflect.MethodSignature;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds what a method's metadata needs from reflection, once: parameter names, key parameters, and the method part
 * of its keys.
 */
final class ParameterNames {

    private ParameterNames() {
    }

    /**
     * The names, or {@code null} when the class was compiled without them and ajc recorded none. Looks in
     * {@code -parameters} metadata, then in the join point's signature, then in the join points ajc created for the
     * declaring class, so that the answer does not depend on which of a cached method and an invalidating method runs
     * first.
     */
    static String[] of(Method method, JoinPoint.StaticPart joinPoint) {
        Parameter[] ps = method.getParameters();
        String[] names = new String[ps.length];
        boolean present = true;
        for (int i = 0; i < ps.length; i++) {
            present &= ps[i].isNamePresent();
            names[i] = ps[i].getName();
        }
        if (present) {
            return names;
        }
        String[] fromAjc = fromJoinPoint(joinPoint, ps.length);
        return fromAjc != null ? fromAjc : fromWovenClass(method);
    }

    private static String[] fromJoinPoint(JoinPoint.StaticPart joinPoint, int count) {
        if (joinPoint != null && joinPoint.getSignature() instanceof CodeSignature) {
            String[] names = ((CodeSignature) joinPoint.getSignature()).getParameterNames();
            if (names != null && names.length == count) {
                return names.clone();
            }
        }
        return null;
    }

    /**
     * The names ajc recorded in the static join point fields ({@code ajc$tjp_N}) of the woven declaring class. Those
     * fields exist as soon as the class is initialized, before any of its methods ran.
     */
    private static String[] fromWovenClass(Method method) {
        Class<?> c = method.getDeclaringClass();
        try {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !f.getName().startsWith("ajc$tjp_")
                        || !JoinPoint.StaticPart.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                f.setAccessible(true);
                Object value = f.get(null);
                if (value instanceof JoinPoint.StaticPart
                        && ((JoinPoint.StaticPart) value).getSignature() instanceof MethodSignature) {
                    MethodSignature sig = (MethodSignature) ((JoinPoint.StaticPart) value).getSignature();
                    if (sig.getName().equals(method.getName())
                            && Arrays.equals(sig.getParameterTypes(), method.getParameterTypes())) {
                        String[] names = fromJoinPoint((JoinPoint.StaticPart) value, method.getParameterCount());
                        if (names != null) {
                            return names;
                        }
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a class we cannot read: no names
        }
        return null;
    }

    /** Names for messages only: real names when known, else {@code arg0, arg1, ...}. */
    static String[] forMessages(Method method, String[] names) {
        if (names != null) {
            return names;
        }
        String[] synthetic = new String[method.getParameterCount()];
        for (int i = 0; i < synthetic.length; i++) {
            synthetic[i] = "arg" + i;
        }
        return synthetic;
    }

    /** {@code com.acme.Svc.get(long id, String name)}. */
    static String display(Method method, String[] names) {
        StringBuilder sb = new StringBuilder();
        sb.append(method.getDeclaringClass().getName()).append('.').append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(types[i].getSimpleName());
            if (names != null) {
                sb.append(' ').append(names[i]);
            }
        }
        return sb.append(')').toString();
    }

    /** Indexes of the parameters that take part in the key: those not marked {@link NotCacheKey}. */
    static int[] keyParameters(Method method) {
        Annotation[][] annotations = method.getParameterAnnotations();
        List<Integer> keyParams = new ArrayList<>();
        for (int i = 0; i < annotations.length; i++) {
            boolean excluded = false;
            for (Annotation a : annotations[i]) {
                excluded |= a.annotationType() == NotCacheKey.class;
            }
            if (!excluded) {
                keyParams.add(i);
            }
        }
        return keyParams.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The method part of the method's keys: its name, followed by its parameter types in angle brackets when the
     * declaring class declares other {@code @Cached} methods of that name ({@code find<int>}, {@code find<long>}), so
     * that overloads never share keys. Simple type names, or binary names when the simple ones do not tell two
     * overloads apart.
     */
    static String methodPart(Method method) {
        List<Method> overloads = new ArrayList<>();
        for (Method m : method.getDeclaringClass().getDeclaredMethods()) {
            if (m.getName().equals(method.getName()) && !m.isBridge() && !m.isSynthetic()
                    && m.isAnnotationPresent(Cached.class)) {
                overloads.add(m);
            }
        }
        if (overloads.size() <= 1) {
            return method.getName();
        }
        Set<String> simple = new HashSet<>();
        boolean ambiguous = false;
        for (Method m : overloads) {
            ambiguous |= !simple.add(signature(m, true));
        }
        return method.getName() + '<' + signature(method, !ambiguous) + '>';
    }

    private static String signature(Method m, boolean simple) {
        StringBuilder sb = new StringBuilder();
        for (Class<?> t : m.getParameterTypes()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(simple ? t.getSimpleName() : t.getTypeName());
        }
        return sb.toString();
    }
}
