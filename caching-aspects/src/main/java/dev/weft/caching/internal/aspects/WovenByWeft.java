package dev.weft.caching.internal.aspects;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put by the weaver ({@code WeavingMarks}) on every {@code @Cached} and {@code @InvalidateCache} method it wove with
 * Weft's aspects, at build time or at load time. {@code CachingServices.verifyWoven} looks for it: a method that
 * carries one of Weft's annotations without this mark was compiled without Weft's aspects and runs uncached.
 * Applications never use it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WovenByWeft {
}
