package com.example.catalog;

import lombok.AllArgsConstructor;
import lombok.Data;

import java.math.BigDecimal;

/** A result type, mutable as @Data makes it: the service hands out copies. */
@Data
@AllArgsConstructor
public class Product {
    private ProductId id;
    private String name;
    private BigDecimal price;
}
