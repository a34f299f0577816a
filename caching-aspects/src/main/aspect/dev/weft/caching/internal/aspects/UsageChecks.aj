package dev.weft.caching.internal.aspects;

/**
 * Misuse that the weaver can see is a compile-time error or warning in the user's build, with a message saying what to
 * do. ({@code @Cached} and {@code @InvalidateCache} on a constructor are already rejected by the Java compiler: both
 * annotations target methods only.)
 *
 * <p>An annotation on an interface or abstract method does nothing: Weft's advice runs around method bodies, and
 * Java does not inherit method annotations. No join point exists at such a declaration, so the weaver reports it
 * where code it compiles or weaves calls the method; {@code CachingServices.verifyWoven} reports it at start-up
 * (the Spring Boot starter does for every bean, Spring Data repositories included). A warning, not an error: an
 * interface may repeat the annotation of an implementation that has it.
 */
public aspect UsageChecks {

    declare error : execution(@dev.weft.caching.Cached void *(..))
        : "Weft: @Cached cannot be used on a void method: there is no result to cache. Remove @Cached, or use @InvalidateCache if the method changes data";

    declare error : execution(@dev.weft.caching.Cached * *(..)) && execution(@dev.weft.caching.InvalidateCache * *(..))
        : "Weft: a method cannot be both @Cached and @InvalidateCache";

    // a type pattern, not a type name: Kotlin need not be on the class path for the check to compile quietly
    declare error : execution(@dev.weft.caching.Cached * *(.., kotlin.coroutines.*))
        : "Weft: @Cached cannot be used on a Kotlin suspend function: its key would include the caller's continuation, and a call that suspends would cache the suspension marker. Cache a function that returns a CompletableFuture (scope.future { ... }) and await() it";

    declare warning : call(@dev.weft.caching.Cached abstract * *(..))
        : "Weft: @Cached on an interface or abstract method has no effect: Weft caches method bodies, and annotations on an abstract method are not inherited. Put @Cached on the implementing method (or on a method of a class that calls this one, for a Spring Data repository)";

    declare warning : call(@dev.weft.caching.InvalidateCache abstract * *(..))
        : "Weft: @InvalidateCache on an interface or abstract method has no effect: Weft runs it around method bodies, and annotations on an abstract method are not inherited. Put @InvalidateCache on the implementing method";
}
