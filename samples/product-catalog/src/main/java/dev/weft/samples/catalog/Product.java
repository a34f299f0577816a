package dev.weft.samples.catalog;

/**
 * A product as the database holds it. Immutable, so a cached instance can be shared by every request.
 *
 * @param id         the primary key
 * @param name       the display name
 * @param priceCents the price in cents
 * @param changeSeq  the database's change sequence number of the row's latest insert or update
 */
public record Product(long id, String name, long priceCents, long changeSeq) {
}
