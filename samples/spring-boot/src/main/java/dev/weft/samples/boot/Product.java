package dev.weft.samples.boot;

/** A product as the API shows it. */
public record Product(long id, String name, long priceCents) {
}
