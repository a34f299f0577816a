package dev.weft.spring.boot;

/**
 * What the start-up check of {@code weft.weaving-check} does when a bean's {@code @Cached} or
 * {@code @InvalidateCache} annotations would do nothing: its class was compiled without Weft's aspects, or the
 * annotation sits on an interface or abstract method (a Spring Data repository).
 */
public enum WeavingCheck {

    /** The application fails to start, and the report names each class and how to fix the build. */
    FAIL,

    /** The application starts; a warning names each class and how to fix the build. */
    WARN,

    /** No check. */
    OFF
}
