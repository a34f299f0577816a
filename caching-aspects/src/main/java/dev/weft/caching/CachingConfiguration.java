package dev.weft.caching;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Default caching settings for the {@link Cached} methods of a class and of the classes nested in it.
 *
 * <p>A method's own {@link Cached} attributes win over this annotation; this annotation wins over the one on an
 * enclosing class, which wins over the run-time {@link CachingProfile}. Empty attributes are inherited.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface CachingConfiguration {

    /** Name of the {@link CachingProfile} for the methods of this class; empty means inherited. */
    String profile() default "";

    /** Absolute expiration, in the format of {@link Cached#absoluteExpiration()}; empty means inherited. */
    String absoluteExpiration() default "";

    /** Sliding expiration, in the format of {@link Cached#slidingExpiration()}; empty means inherited. */
    String slidingExpiration() default "";

    /** Fail-safe period, in the format of {@link Cached#failSafe()}; empty means inherited. */
    String failSafe() default "";

    /** Soft timeout, in the format of {@link Cached#softTimeout()}; empty means inherited. */
    String softTimeout() default "";

    /** Eager refresh fraction, in the format of {@link Cached#eagerRefresh()}; empty means inherited. */
    String eagerRefresh() default "";

    /** Turns auto-reload on for the methods of this class; false means inherited. */
    boolean autoReload() default false;
}
