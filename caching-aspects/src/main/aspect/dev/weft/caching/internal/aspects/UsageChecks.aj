package dev.weft.caching.internal.aspects;

/**
 * Misuse that the weaver can see is a compile-time error in the user's build, with a message saying what to do.
 * ({@code @Cached} and {@code @InvalidateCache} on a constructor are already rejected by the Java compiler: both
 * annotations target methods only.)
 */
public aspect UsageChecks {

    declare error : execution(@dev.weft.caching.Cached void *(..))
        : "Weft: @Cached cannot be used on a void method: there is no result to cache. Remove @Cached, or use @InvalidateCache if the method changes data";

    declare error : execution(@dev.weft.caching.Cached * *(..)) && execution(@dev.weft.caching.InvalidateCache * *(..))
        : "Weft: a method cannot be both @Cached and @InvalidateCache";
}
