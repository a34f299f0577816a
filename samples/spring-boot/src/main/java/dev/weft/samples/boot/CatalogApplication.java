package dev.weft.samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The product catalog as a Spring Boot application. weft-spring-boot-starter configures Weft from
 * application.yml: nothing here mentions a backend, and {@link ProductRepository} is woven at build time.
 */
@SpringBootApplication
public class CatalogApplication {

    public static void main(String[] args) {
        SpringApplication.run(CatalogApplication.class, args);
    }
}
