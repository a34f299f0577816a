package dev.weft.benchmarks.subjects;

/** A catalogue product; the source preallocates one per hot id. */
public record Product(int id, String name, long priceCents) {
}
