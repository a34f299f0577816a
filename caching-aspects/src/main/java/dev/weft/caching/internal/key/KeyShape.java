package dev.weft.caching.internal.key;

import dev.weft.caching.CacheKey;
import dev.weft.caching.CachingConfigurationException;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.IntSupplier;

/**
 * How the keys of one cached method are made: which parameters take part, how each argument becomes a key component,
 * and how a key renders to canonical text. Built once per method (reflection happens there, never per call).
 *
 * <p>Canonical text: {@code <declaring class binary name>[<instance key>].<method>(<arg>,<arg>)}, the bracket only
 * when the target's class implements {@link CacheKey}. Text longer than the maximum key length becomes
 * {@code <class>.<method>(sha256:<base64url digest of the full text>)}: same in every JVM, never a truncation that
 * could collide.
 */
public final class KeyShape {

    private final String className;
    private final String methodName;
    private final String methodDisplay;
    private final KeyFormatting formatting;
    private final IntSupplier maxKeyLength;
    private final int[] keyParams;
    private final String[] keyParamNames;
    private final boolean[] identity;
    private final int arity;
    /** True when every parameter is a key parameter kept as is: the call's arguments are the key components. */
    private final boolean argumentsAreComponents;
    private final MethodKey.Key0 key0;
    final int hash;
    /**
     * The last target class seen not to implement {@link CacheKey}. A negative {@code instanceof} test against an
     * interface scans the class's secondary supertypes on every call (HotSpot caches only positive answers); a
     * method's target is nearly always of one class, so comparing the class first makes the test one load and one
     * compare. A racy field: a stale value only costs one {@code instanceof}.
     */
    private Class<?> plainTargetClass;

    /**
     * @param className      binary name of the declaring class
     * @param methodName     the method's name
     * @param methodDisplay  how messages name the method, e.g. {@code com.acme.Svc.get(long id)}
     * @param parameterTypes the declared parameter types
     * @param parameterNames the parameter names, for messages
     * @param keyParams      indexes of the parameters that are part of the key, ascending
     */
    public KeyShape(String className, String methodName, String methodDisplay, Class<?>[] parameterTypes,
                    String[] parameterNames, int[] keyParams, KeyFormatting formatting, IntSupplier maxKeyLength) {
        this.className = className;
        this.methodName = methodName;
        this.methodDisplay = methodDisplay;
        this.formatting = formatting;
        this.maxKeyLength = maxKeyLength;
        this.keyParams = keyParams.clone();
        this.arity = parameterTypes.length;
        this.keyParamNames = new String[keyParams.length];
        this.identity = new boolean[keyParams.length];
        boolean allIdentity = true;
        for (int k = 0; k < keyParams.length; k++) {
            Class<?> type = parameterTypes[keyParams[k]];
            keyParamNames[k] = parameterNames[keyParams[k]];
            identity[k] = ValueTypes.isValueType(type) && !formatting.hasRegisteredFormatter(type);
            allIdentity &= identity[k];
            if (!identity[k] && isLeaf(type)) {
                try {
                    formatting.check(type);
                } catch (UnformattableArgumentException e) {
                    throw unformattable(keyParamNames[k], type);
                }
            }
        }
        this.argumentsAreComponents = allIdentity && keyParams.length == arity;
        this.hash = (className + '.' + methodName).hashCode() * 31 + arity;
        this.key0 = new MethodKey.Key0(this);
    }

    /** A type with no subtypes whose key form could differ: final classes, arrays of them, primitives. */
    private static boolean isLeaf(Class<?> type) {
        Class<?> t = type;
        while (t.isArray()) {
            t = t.getComponentType();
        }
        return t.isPrimitive() || (Modifier.isFinal(t.getModifiers()) && !t.isInterface());
    }

    /** Names the method, for messages. */
    public String methodDisplay() {
        return methodDisplay;
    }

    /** The method part of every key of this shape, {@code com.acme.Svc.get}. */
    public String prefix() {
        return className + '.' + methodName;
    }

    /** Indexes of the key parameters among the method's parameters. */
    public int[] keyParameters() {
        return keyParams.clone();
    }

    /** Names of the key parameters, in key order. */
    public String[] keyParameterNames() {
        return keyParamNames.clone();
    }

    // ---- key construction: the per-arity methods are on the hit path -------------------------------------------

    /**
     * The key of a call without arguments (or whose arguments are all excluded); {@code target} is the instance, or
     * {@code null} for a static method. The per-arity methods are the hit path: when the target is not a
     * {@link CacheKey} and every argument stands for itself, the arguments become the key's components directly.
     */
    public MethodKey key(Object target) {
        if (keyParams.length == 0 && isPlain(target)) {
            return key0;
        }
        return keyOf(target, new Object[0]);
    }

    /** The key of a one-argument call; see {@link #key(Object)}. */
    public MethodKey key(Object target, Object a0) {
        if (argumentsAreComponents && isPlain(target)) {
            return new MethodKey.Key1(this, a0);
        }
        return keyOf(target, new Object[] {a0});
    }

    /** The key of a two-argument call; see {@link #key(Object)}. */
    public MethodKey key(Object target, Object a0, Object a1) {
        if (argumentsAreComponents && isPlain(target)) {
            return new MethodKey.Key2(this, a0, a1);
        }
        return keyOf(target, new Object[] {a0, a1});
    }

    /** The key of a three-argument call; see {@link #key(Object)}. */
    public MethodKey key(Object target, Object a0, Object a1, Object a2) {
        if (argumentsAreComponents && isPlain(target)) {
            return new MethodKey.Key3(this, a0, a1, a2);
        }
        return keyOf(target, new Object[] {a0, a1, a2});
    }

    /** Whether the target is not part of the key: static (null), or of a class that does not implement CacheKey. */
    private boolean isPlain(Object target) {
        if (target == null) {
            return true;
        }
        Class<?> c = target.getClass();
        if (c == plainTargetClass) {
            return true;
        }
        if (target instanceof CacheKey) {
            return false;
        }
        plainTargetClass = c;
        return true;
    }

    /** The key of a four-argument call; see {@link #key(Object)}. */
    public MethodKey key(Object target, Object a0, Object a1, Object a2, Object a3) {
        return keyOf(target, new Object[] {a0, a1, a2, a3});
    }

    /**
     * The key of a call with any arguments; {@code target} is the instance when its class implements
     * {@link CacheKey}, else {@code null}.
     */
    public MethodKey keyOf(Object target, Object[] args) {
        if (args.length != arity) {
            throw new IllegalArgumentException(methodDisplay + " takes " + arity + " arguments, got " + args.length);
        }
        String instance = target instanceof CacheKey ? instanceKey((CacheKey) target) : null;
        int n = keyParams.length;
        if (instance == null) {
            switch (n) {
                case 0: return key0;
                case 1: return new MethodKey.Key1(this, component(0, args));
                case 2: return new MethodKey.Key2(this, component(0, args), component(1, args));
                case 3: return new MethodKey.Key3(this, component(0, args), component(1, args), component(2, args));
                default: break;
            }
        }
        Object[] components = new Object[n];
        for (int k = 0; k < n; k++) {
            components[k] = component(k, args);
        }
        return new MethodKey.KeyN(this, instance, components);
    }

    private String instanceKey(CacheKey target) {
        String s = target.toCacheKey();
        if (s == null) {
            throw new CachingConfigurationException(methodDisplay + ": the target instance's toCacheKey() returned "
                    + "null (" + target.getClass().getName() + ")");
        }
        return s;
    }

    private Object component(int k, Object[] args) {
        Object v = args[keyParams[k]];
        if (identity[k] || v == null || ValueTypes.isValueType(v.getClass())) {
            return v;
        }
        try {
            return new FormattedArg(formatting.format(v));
        } catch (UnformattableArgumentException e) {
            throw unformattable(keyParamNames[k], e.type());
        }
    }

    private CachingConfigurationException unformattable(String parameter, Class<?> type) {
        return new CachingConfigurationException(methodDisplay + ", parameter '" + parameter + "': "
                + UnformattableArgumentException.describe(type));
    }

    // ---- canonical text --------------------------------------------------------------------------------------

    /** Formats one key component (an argument value or its key text) the way it appears in canonical keys. */
    public void appendComponent(Object component, StringBuilder out) {
        if (component instanceof FormattedArg) {
            out.append(((FormattedArg) component).text);
        } else {
            formatting.append(component, out);
        }
    }

    String render(MethodKey key) {
        String instance = key.instance();
        StringBuilder sb = new StringBuilder(className.length() + methodName.length() + 16 + 12 * key.size());
        sb.append(className);
        if (instance != null) {
            sb.append('[').append(instance).append(']');
        }
        sb.append('.').append(methodName).append('(');
        for (int i = 0, n = key.size(); i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendComponent(key.component(i), sb);
        }
        sb.append(')');
        int max = maxKeyLength.getAsInt();
        if (sb.length() <= max) {
            return sb.toString();
        }
        return className + '.' + methodName + "(sha256:" + sha256(sb) + ')';
    }

    private static String sha256(CharSequence text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must support SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "KeyShape{" + methodDisplay + '}';
    }
}
