package dev.weft.benchmarks.subjects;

import java.util.List;

/** One page of search results; the source preallocates one per hot (query, page, desc). */
public record SearchResult(String query, int page, boolean desc, List<Product> products) {
}
