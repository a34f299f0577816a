package dev.weft.caching.internal.aspects;

/**
 * Marks every {@code @Cached} and {@code @InvalidateCache} method that passes through the weaver with Weft's aspects
 * with {@link WovenByWeft}, so that a start-up check can tell a woven class from one that javac (an IDE build, a module
 * without the plugin) compiled alone. Costs nothing at run time: an annotation in the class file.
 */
public aspect WeavingMarks {

    declare @method : @dev.weft.caching.Cached !abstract * *(..) : @WovenByWeft;

    declare @method : @dev.weft.caching.InvalidateCache !abstract * *(..) : @WovenByWeft;
}
