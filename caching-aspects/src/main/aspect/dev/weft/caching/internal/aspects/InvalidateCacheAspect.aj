package dev.weft.caching.internal.aspects;

import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.internal.method.InvalidatingMethod;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;

import org.aspectj.lang.annotation.SuppressAjWarnings;

import java.util.concurrent.CompletionStage;

/**
 * Runs the invalidations of {@code @InvalidateCache} methods after they return normally. Inside a transaction they
 * are also recorded, to be repeated after its commit (see {@code TrackedTransaction}).
 *
 * <p>The metadata is resolved before the body runs, so that a configuration error (a parameter that matches no
 * cached method) fails the call before it changes anything, rather than after the data changed and the cache did
 * not. A method returning a {@code CompletionStage} invalidates when the stage completes normally, and its caller
 * gets a stage that completes only after the invalidation, so a read that follows it cannot see the old entry.
 */
public aspect InvalidateCacheAspect {

    pointcut invalidating() : execution(@dev.weft.caching.InvalidateCache * *(..));

    pointcut invalidatingAsync() : execution(@dev.weft.caching.InvalidateCache java.util.concurrent.CompletionStage+ *(..));

    // A class with no @InvalidateCache method leaves these unapplied: nothing for the user's build log to warn about
    @SuppressAjWarnings("adviceDidNotMatch")
    before() : invalidating() {
        CachedMethods.invalidating(thisJoinPointStaticPart);
    }

    @SuppressAjWarnings("adviceDidNotMatch")
    after() returning : invalidating() && !invalidatingAsync() {
        CachedMethods.invalidating(thisJoinPointStaticPart).invalidate(thisJoinPoint.getThis(), thisJoinPoint.getArgs());
    }

    @SuppressAjWarnings("adviceDidNotMatch")
    Object around() : invalidatingAsync() {
        Object target = thisJoinPoint.getThis();
        Object[] args = thisJoinPoint.getArgs();
        InvalidatingMethod m = CachedMethods.invalidating(thisJoinPointStaticPart);
        // the stage may complete on another thread: the transaction is the caller's
        TrackedTransaction transaction = Transactions.current();
        CompletionStage<?> stage = (CompletionStage<?>) proceed();
        if (stage == null) {
            return null;
        }
        return stage.whenComplete((value, failure) -> {
            if (failure == null) {
                m.invalidate(target, args, transaction);
            }
        });
    }
}
