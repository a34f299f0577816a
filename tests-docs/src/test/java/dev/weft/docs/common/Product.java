package dev.weft.docs.common;

/** The product the documentation's examples cache. */
public record Product(long id, String name) {
}
