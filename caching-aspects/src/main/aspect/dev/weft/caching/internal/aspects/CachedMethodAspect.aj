package dev.weft.caching.internal.aspects;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.internal.method.CachedMethod;
import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.internal.method.Load;
import org.aspectj.lang.annotation.SuppressAjWarnings;

/**
 * Routes the execution of every {@code @Cached} method through its {@link CachedMethod}.
 *
 * <p>The advice is woven around the method's execution (not its calls), so private, static and self-invoked methods
 * are cached too. For up to four parameters there is one advice per arity and kind (static or instance) that binds
 * the target and the arguments directly: a hit builds one small key object, reads one thread-local and does one
 * backend lookup, with no argument array, no reflection and no {@code JoinPoint} object. Methods with more parameters take the generic
 * advice, which reads {@code thisJoinPoint}. The argument array passed to {@code load} exists only on a miss.
 *
 * <p>ajc inlines these bodies into each woven class (around-advice inlining): keep them small. A woven class uses one
 * or two of the eleven advices, so "advice did not match" warnings would fill every user's build log: suppressed.
 */
public aspect CachedMethodAspect {

    private static final Object[] NO_ARGUMENTS = new Object[0];

    pointcut cachedExecution() : execution(@dev.weft.caching.Cached !void *(..));

    pointcut staticCachedExecution() : cachedExecution() && execution(static * *(..));

    pointcut instanceCachedExecution() : cachedExecution() && execution(!static * *(..));

    /** Static methods with 0 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around() : staticCachedExecution() && args() {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(null);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, null, NO_ARGUMENTS);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed();
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Static methods with 1 parameter. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object a0) : staticCachedExecution() && args(a0) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(null, a0);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, null, new Object[] {a0});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Static methods with 2 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object a0, Object a1) : staticCachedExecution() && args(a0, a1) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(null, a0, a1);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, null, new Object[] {a0, a1});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0, a1);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Static methods with 3 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object a0, Object a1, Object a2) : staticCachedExecution() && args(a0, a1, a2) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(null, a0, a1, a2);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, null, new Object[] {a0, a1, a2});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0, a1, a2);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Static methods with 4 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object a0, Object a1, Object a2, Object a3) : staticCachedExecution() && args(a0, a1, a2, a3) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(null, a0, a1, a2, a3);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, null, new Object[] {a0, a1, a2, a3});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(a0, a1, a2, a3);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Instance methods with 0 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object target) : instanceCachedExecution() && this(target) && args() {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(target);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, target, NO_ARGUMENTS);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(target);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Instance methods with 1 parameter. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object target, Object a0) : instanceCachedExecution() && this(target) && args(a0) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(target, a0);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, target, new Object[] {a0});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(target, a0);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Instance methods with 2 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object target, Object a0, Object a1) : instanceCachedExecution() && this(target) && args(a0, a1) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(target, a0, a1);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, target, new Object[] {a0, a1});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(target, a0, a1);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Instance methods with 3 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object target, Object a0, Object a1, Object a2) : instanceCachedExecution() && this(target) && args(a0, a1, a2) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(target, a0, a1, a2);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, target, new Object[] {a0, a1, a2});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(target, a0, a1, a2);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Instance methods with 4 parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around(Object target, Object a0, Object a1, Object a2, Object a3) : instanceCachedExecution() && this(target) && args(a0, a1, a2, a3) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        ItemKey key = m.keys().key(target, a0, a1, a2, a3);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, target, new Object[] {a0, a1, a2, a3});
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed(target, a0, a1, a2, a3);
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }

    /** Methods with five or more parameters. */
    @SuppressAjWarnings("adviceDidNotMatch")
    Object around() : cachedExecution() && args(*, *, *, *, *, ..) {
        CachedMethod m = CachedMethods.of(thisJoinPointStaticPart);
        Object target = thisJoinPoint.getThis();
        Object[] args = thisJoinPoint.getArgs();
        ItemKey key = m.keys().keyOf(target, args);
        if (CallStack.top() == null) {
            Object hit = m.probe(key);
            if (hit != CachedMethod.MISS) {
                m.countHit();
                return hit;
            }
        }
        Load load = m.load(key, target, args);
        if (!load.mustRun()) {
            return load.result();
        }
        Object returned;
        try {
            returned = proceed();
        } catch (Throwable t) {
            return load.failed(t);
        }
        return load.complete(returned);
    }
}
