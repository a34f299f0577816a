package dev.weft.samples.boot;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** {@code GET /products/{id}} (cached), {@code PUT /products/{id}?name=...} (invalidates), {@code GET /queries}. */
@RestController
public class ProductController {

    private final ProductRepository products;

    public ProductController(ProductRepository products) {
        this.products = products;
    }

    @GetMapping("/products/{id}")
    public ResponseEntity<Product> get(@PathVariable long id) {
        return ResponseEntity.of(products.findProduct(id));
    }

    @PutMapping("/products/{id}")
    public ResponseEntity<Void> rename(@PathVariable long id, @RequestParam String name) {
        return products.rename(id, name) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    /** How many SQL queries the repository ran: it stays put while GETs are cache hits. */
    @GetMapping("/queries")
    public Map<String, Long> queries() {
        return Map.of("queries", products.queries());
    }
}
