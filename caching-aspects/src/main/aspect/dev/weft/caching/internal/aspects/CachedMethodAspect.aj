package dev.weft.caching.internal.aspects;

import dev.weft.caching.CacheKey;
import dev.weft.caching.internal.key.MethodKey;
import dev.weft.caching.internal.method.CachedMethod;
import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.internal.method.Load;

/**
 * Routes the execution of every {@code @Cached} method through its {@link CachedMethod}.
 *
 * <p>The advice is woven around the method's execution (not its calls), so private, static and self-invoked methods
 * are cached too. For up to four parameters there is one advice per arity that binds the arguments directly: a hit
 * builds one small key object and does one backend lookup, with no argument array, no reflection and no
 * {@code JoinPoint} object. Methods with more parameters, and methods of classes that implement {@link CacheKey}
 * (whose target instance is part of the key), take the generic advice, which reads {@code thisJoinPoint}.
 *
 * <p>The body below is copied into each woven method by ajc's around-advice inlining; keep it small.
 */
public aspect CachedMethodAspect {

    pointcut cachedExecution() : execution(@dev.weft.caching.Cached !void *(..));

    pointcut plainCachedExecution() : cachedExecution() && !this(CacheKey);

    /** Methods with 0 parameters: the arguments are bound directly, no array. */
    Object around() : plainCachedExecution() && args() {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        MethodKey key = m.keys().key();
        Object hit = m.lookup(key);
        if (hit != CachedMethod.MISS) {
            return hit;
        }
        Load load = m.load(key);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed();
        } catch (Throwable t) {
            throw load.fail(t);
        }
        return load.complete(returned);
    }

    /** Methods with 1 parameter: the arguments are bound directly, no array. */
    Object around(Object a0) : plainCachedExecution() && args(a0) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        MethodKey key = m.keys().key(a0);
        Object hit = m.lookup(key);
        if (hit != CachedMethod.MISS) {
            return hit;
        }
        Load load = m.load(key);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0);
        } catch (Throwable t) {
            throw load.fail(t);
        }
        return load.complete(returned);
    }

    /** Methods with 2 parameters: the arguments are bound directly, no array. */
    Object around(Object a0, Object a1) : plainCachedExecution() && args(a0, a1) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        MethodKey key = m.keys().key(a0, a1);
        Object hit = m.lookup(key);
        if (hit != CachedMethod.MISS) {
            return hit;
        }
        Load load = m.load(key);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0, a1);
        } catch (Throwable t) {
            throw load.fail(t);
        }
        return load.complete(returned);
    }

    /** Methods with 3 parameters: the arguments are bound directly, no array. */
    Object around(Object a0, Object a1, Object a2) : plainCachedExecution() && args(a0, a1, a2) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        MethodKey key = m.keys().key(a0, a1, a2);
        Object hit = m.lookup(key);
        if (hit != CachedMethod.MISS) {
            return hit;
        }
        Load load = m.load(key);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0, a1, a2);
        } catch (Throwable t) {
            throw load.fail(t);
        }
        return load.complete(returned);
    }

    /** Methods with 4 parameters: the arguments are bound directly, no array. */
    Object around(Object a0, Object a1, Object a2, Object a3) : plainCachedExecution() && args(a0, a1, a2, a3) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        MethodKey key = m.keys().key(a0, a1, a2, a3);
        Object hit = m.lookup(key);
        if (hit != CachedMethod.MISS) {
            return hit;
        }
        Load load = m.load(key);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0, a1, a2, a3);
        } catch (Throwable t) {
            throw load.fail(t);
        }
        return load.complete(returned);
    }

    /** Methods with five or more parameters, and instance methods of classes whose instances are part of the key. */
    Object around() : cachedExecution() && (this(CacheKey) || args(*, *, *, *, *, ..)) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        MethodKey key = m.keys().keyOf(thisJoinPoint.getThis(), thisJoinPoint.getArgs());
        Object hit = m.lookup(key);
        if (hit != CachedMethod.MISS) {
            return hit;
        }
        Load load = m.load(key);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed();
        } catch (Throwable t) {
            throw load.fail(t);
        }
        return load.complete(returned);
    }
}
