package dev.weft.docs.common;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The documentation's data source. */
public class ProductRepository {

    private final Map<Long, Product> rows = new ConcurrentHashMap<>();

    public Product load(long id) {
        return rows.get(id);
    }

    public void rename(long id, String newName) {
        rows.put(id, new Product(id, newName));
    }

    public List<Product> page(int n) {
        return List.copyOf(rows.values());
    }
}
