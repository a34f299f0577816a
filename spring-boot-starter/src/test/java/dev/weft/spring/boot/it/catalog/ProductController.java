package dev.weft.spring.boot.it.catalog;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** GET and PUT /products/{id} (plain text), and the number of store reads. */
@RestController
public class ProductController {

    private final ProductService products;
    private final ProductStore store;

    public ProductController(ProductService products, ProductStore store) {
        this.products = products;
        this.store = store;
    }

    @GetMapping("/products/{id}")
    public String get(@PathVariable long id) {
        return products.getProduct(id);
    }

    @PutMapping("/products/{id}")
    public void rename(@PathVariable long id, @RequestParam String name) {
        products.rename(id, name);
    }

    @GetMapping("/store/reads")
    public long reads() {
        return store.reads();
    }
}
