package dev.weft.caching.internal.key;

import dev.weft.caching.CacheKey;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.ItemKey;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.IntSupplier;

/**
 * How the keys of one cached method are made: which parameters take part, how each argument is written, and which
 * kind of key a call gets. Built once per method (reflection happens there, never per call).
 *
 * <p>Canonical text: {@code <declaring class binary name>[<instance key>].<method>(<arg>,<arg>)}, the bracket only
 * when the target's class implements {@link CacheKey}. When the class declares several {@code @Cached} methods of that
 * name, the method part carries their parameter types, {@code find<int>} and {@code find<long>}, so that overloads
 * never share keys. Text longer than the maximum key length becomes
 * {@code <class>.<method>(sha256:<base64url digest of the full text>)}: the same in every JVM, never a truncation that
 * could collide.
 *
 * <p>Two kinds of key. When every key parameter is declared as a {@link Scalar} type or an enum, and the target is
 * not a {@code CacheKey}, a call's key is a {@link MethodKey} holding the arguments themselves: a hit builds one small
 * object and writes no text. Otherwise the arguments' text is written on every call anyway (collections, records,
 * application types), and the key is a {@link TextKey} of the whole canonical text. Either way two keys are equal
 * exactly when their texts are, and {@link KeyResolver} turns a text received from another instance into the key a
 * local call makes.
 */
public final class KeyShape {

    private final String className;
    private final String methodPart;
    private final String prefix;
    private final String methodDisplay;
    private final KeyFormatting formatting;
    private final IntSupplier maxKeyLength;
    private final int[] keyParams;
    private final String[] keyParamNames;
    private final int arity;
    /** For a structural shape, how each key parameter is written and read; {@code null} for a text shape. */
    private final ComponentForm[] forms;
    /** True when every parameter is a key parameter of a structural shape: the arguments are the components. */
    private final boolean argumentsAreComponents;
    /** The longest text of a call when no component is unbounded (strings, big numbers), else -1. */
    private final int boundedLength;
    /** The fixed part of the text: prefix, parentheses and commas. */
    private final int fixedLength;
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
     * @param methodPart     the method's name, with its parameter types in angle brackets when it is overloaded
     * @param methodDisplay  how messages name the method, e.g. {@code com.acme.Svc.get(long id)}
     * @param parameterTypes the declared parameter types
     * @param parameterNames the parameter names, for messages
     * @param keyParams      indexes of the parameters that are part of the key, ascending
     */
    public KeyShape(String className, String methodPart, String methodDisplay, Class<?>[] parameterTypes,
                    String[] parameterNames, int[] keyParams, KeyFormatting formatting, IntSupplier maxKeyLength) {
        this.className = className;
        this.methodPart = methodPart;
        this.prefix = className + '.' + methodPart;
        this.methodDisplay = methodDisplay;
        this.formatting = formatting;
        this.maxKeyLength = maxKeyLength;
        this.keyParams = keyParams.clone();
        this.arity = parameterTypes.length;
        this.keyParamNames = new String[keyParams.length];
        ComponentForm[] f = new ComponentForm[keyParams.length];
        boolean structural = true;
        int bounded = 0;
        for (int k = 0; k < keyParams.length; k++) {
            Class<?> type = parameterTypes[keyParams[k]];
            keyParamNames[k] = parameterNames[keyParams[k]];
            f[k] = ComponentForm.of(type, formatting);
            structural &= f[k] != null;
            if (f[k] == null && isLeaf(type)) {
                try {
                    formatting.check(type);
                } catch (UnformattableArgumentException e) {
                    throw unformattable(keyParamNames[k], e);
                }
            }
            if (f[k] != null && bounded >= 0) {
                bounded = f[k].maxLength() < 0 ? -1 : bounded + Math.max(4, f[k].maxLength());
            }
        }
        this.forms = structural ? f : null;
        this.fixedLength = prefix.length() + 1 + Math.max(0, keyParams.length - 1) + 1;
        this.boundedLength = structural && bounded >= 0 ? fixedLength + bounded : -1;
        this.argumentsAreComponents = structural && keyParams.length == arity;
        this.hash = prefix.hashCode() * 31 + arity;
        this.key0 = new MethodKey.Key0(this);
    }

    /**
     * Makes this shape's keys readable from text ({@link KeyResolver}). Called once the shape's method is registered:
     * a shape built by a thread that lost the race to register the method must not be the one text is read into,
     * or keys read from text would never equal the keys calls make.
     */
    public void publish() {
        if (forms != null) {
            KeyResolver.register(this);
        }
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

    /** The method part of every key of this shape, {@code com.acme.Svc.get} (or {@code com.acme.Svc.get<long>}). */
    public String prefix() {
        return prefix;
    }

    /** Whether calls get {@link MethodKey}s (arguments kept as they are) rather than {@link TextKey}s. */
    public boolean isStructural() {
        return forms != null;
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
     * {@link CacheKey} and every argument is a scalar key parameter, the arguments become the key's components.
     */
    public ItemKey key(Object target) {
        if (forms != null && keyParams.length == 0 && isPlain(target) && fitsBounded()) {
            return key0;
        }
        return keyOf(target, new Object[arity]);
    }

    /** The key of a one-argument call; see {@link #key(Object)}. */
    public ItemKey key(Object target, Object a0) {
        if (argumentsAreComponents && isPlain(target) && (fitsBounded() || fits(new Object[] {a0}))) {
            return new MethodKey.Key1(this, a0);
        }
        return keyOf(target, new Object[] {a0});
    }

    /** The key of a two-argument call; see {@link #key(Object)}. */
    public ItemKey key(Object target, Object a0, Object a1) {
        if (argumentsAreComponents && isPlain(target) && (fitsBounded() || fits(new Object[] {a0, a1}))) {
            return new MethodKey.Key2(this, a0, a1);
        }
        return keyOf(target, new Object[] {a0, a1});
    }

    /** The key of a three-argument call; see {@link #key(Object)}. */
    public ItemKey key(Object target, Object a0, Object a1, Object a2) {
        if (argumentsAreComponents && isPlain(target) && (fitsBounded() || fits(new Object[] {a0, a1, a2}))) {
            return new MethodKey.Key3(this, a0, a1, a2);
        }
        return keyOf(target, new Object[] {a0, a1, a2});
    }

    /** The key of a four-argument call; see {@link #key(Object)}. */
    public ItemKey key(Object target, Object a0, Object a1, Object a2, Object a3) {
        return keyOf(target, new Object[] {a0, a1, a2, a3});
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

    /** Whether every call's text fits the maximum key length whatever its arguments. */
    private boolean fitsBounded() {
        return boundedLength >= 0 && boundedLength <= maxKeyLength.getAsInt();
    }

    /**
     * Whether the text of a structural key with these components fits the maximum key length: a bound from the
     * strings' lengths first (each character takes at most two), the text itself only when the bound is too high.
     */
    private boolean fits(Object[] components) {
        int max = maxKeyLength.getAsInt();
        long bound = fixedLength;
        boolean exact = true;
        for (int k = 0; k < components.length; k++) {
            Object v = components[k];
            if (v == null) {
                bound += 4;
            } else if (v instanceof String) {
                bound += 2L * ((String) v).length() + 2;
            } else if (forms[k].maxLength() >= 0) {
                bound += forms[k].maxLength();
            } else {
                exact = false;
            }
        }
        if (exact && bound <= max) {
            return true;
        }
        return renderPlain(components).length() <= max;
    }

    /**
     * The key of a call with any arguments; {@code target} is the instance ({@code null} for a static method, or when
     * it does not take part).
     */
    public ItemKey keyOf(Object target, Object[] args) {
        if (args.length != arity) {
            throw new IllegalArgumentException(methodDisplay + " takes " + arity + " arguments, got " + args.length);
        }
        if (forms != null && isPlain(target)) {
            int n = keyParams.length;
            Object[] components = new Object[n];
            for (int k = 0; k < n; k++) {
                components[k] = args[keyParams[k]];
            }
            if (fitsBounded() || fits(components)) {
                return structural(components);
            }
            return new TextKey(digest(renderPlain(components)));
        }
        return new TextKey(renderText(target, args));
    }

    private MethodKey structural(Object[] c) {
        switch (c.length) {
            case 0: return key0;
            case 1: return new MethodKey.Key1(this, c[0]);
            case 2: return new MethodKey.Key2(this, c[0], c[1]);
            case 3: return new MethodKey.Key3(this, c[0], c[1], c[2]);
            default: return new MethodKey.KeyN(this, c);
        }
    }

    /** The canonical text of a call whose key is its text. */
    private String renderText(Object target, Object[] args) {
        StringBuilder sb = new StringBuilder(prefix.length() + 16 + 12 * keyParams.length);
        sb.append(className);
        if (target instanceof CacheKey) {
            String instance = ((CacheKey) target).toCacheKey();
            if (instance == null) {
                throw new CachingConfigurationException(methodDisplay + ": the target instance's toCacheKey() "
                        + "returned null (" + target.getClass().getName() + ")");
            }
            sb.append('[').append(instance).append(']');
        }
        sb.append('.').append(methodPart).append('(');
        for (int k = 0; k < keyParams.length; k++) {
            if (k > 0) {
                sb.append(',');
            }
            Object v = args[keyParams[k]];
            try {
                formatting.append(v, sb);
            } catch (UnformattableArgumentException e) {
                throw unformattable(keyParamNames[k], e);
            }
        }
        sb.append(')');
        return sb.length() <= maxKeyLength.getAsInt() ? sb.toString() : digest(sb);
    }

    private CachingConfigurationException unformattable(String parameter, UnformattableArgumentException e) {
        return new CachingConfigurationException(methodDisplay + ", parameter '" + parameter + "': " + e.getMessage());
    }

    // ---- canonical text of structural keys ---------------------------------------------------------------------

    String render(MethodKey key) {
        Object[] components = new Object[key.size()];
        for (int i = 0; i < components.length; i++) {
            components[i] = key.component(i);
        }
        StringBuilder sb = renderPlain(components);
        return sb.length() <= maxKeyLength.getAsInt() ? sb.toString() : digest(sb);
    }

    private StringBuilder renderPlain(Object[] components) {
        StringBuilder sb = new StringBuilder(prefix.length() + 16 + 12 * components.length);
        sb.append(prefix).append('(');
        for (int k = 0; k < components.length; k++) {
            if (k > 0) {
                sb.append(',');
            }
            Object v = components[k];
            if (v == null) {
                sb.append("null");
            } else {
                forms[k].write(v, sb);
            }
        }
        return sb.append(')');
    }

    /**
     * Reads a structural key back from its canonical text, or returns {@code null} when the text is not the text of
     * any key of this shape. Every component is read by its declared type, then the key is written again and
     * compared, so a text is accepted only if it is exactly what a local call would have written.
     */
    MethodKey read(String text) {
        if (forms == null || !text.startsWith(prefix) || text.length() <= prefix.length()
                || text.charAt(prefix.length()) != '(' || !text.endsWith(")")) {
            return null;
        }
        Object[] components = new Object[forms.length];
        Object[] into = new Object[1];
        int at = prefix.length() + 1;
        for (int k = 0; k < forms.length; k++) {
            if (k > 0) {
                if (at >= text.length() || text.charAt(at) != ',') {
                    return null;
                }
                at++;
            }
            if (text.startsWith("null", at) && forms[k].nullable()) {
                components[k] = null;
                at += 4;
                continue;
            }
            int end = forms[k].read(text, at, into);
            if (end < 0) {
                return null;
            }
            components[k] = into[0];
            at = end;
        }
        if (at != text.length() - 1) {
            return null;
        }
        MethodKey key = structural(components);
        return text.equals(render(key)) && text.length() <= maxKeyLength.getAsInt() ? key : null;
    }

    private String digest(CharSequence text) {
        return prefix + "(sha256:" + sha256(text) + ')';
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
