package dev.weft.benchmarks.subjects;

/**
 * The service every benchmark variant implements: the same three methods, cached (or not) in the variant's way.
 *
 * <p>{@link #getProduct} and {@link #search} are the hit-path shapes: their bodies return preallocated objects, so a
 * measured hit costs only the caching layer. {@link #quote} is the miss-path shape: its body burns a few microseconds
 * of CPU and allocates its result, as a call to a real data source would.
 */
public interface CatalogService {

    /** One argument that boxes to an {@code Integer} outside the JDK's small-value cache. */
    Product getProduct(int id);

    /** Three arguments: a string, a small int and a boolean. */
    SearchResult search(String query, int page, boolean desc);

    /** A slow method, for concurrent misses. */
    Quote quote(long sku);
}
