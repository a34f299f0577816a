package dev.weft.caching.internal.method;

import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.reflect.CodeSignature;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

/** Finds a method's parameter names: from {@code -parameters} metadata, else from what ajc recorded at the join point. */
final class ParameterNames {

    private ParameterNames() {
    }

    /** The names, or {@code null} when the class was compiled without them. */
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
        if (joinPoint != null && joinPoint.getSignature() instanceof CodeSignature) {
            String[] fromAjc = ((CodeSignature) joinPoint.getSignature()).getParameterNames();
            if (fromAjc != null && fromAjc.length == ps.length) {
                return fromAjc.clone();
            }
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
}
