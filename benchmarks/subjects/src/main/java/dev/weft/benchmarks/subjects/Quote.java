package dev.weft.benchmarks.subjects;

/** A price quote, computed by the source on every call that reaches it. */
public record Quote(long sku, long priceCents) {
}
