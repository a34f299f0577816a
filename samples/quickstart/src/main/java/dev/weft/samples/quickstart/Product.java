package dev.weft.samples.quickstart;

/** An immutable product, as a repository would return it. */
public record Product(long id, String name, long priceCents) {
}
