package com.example.catalog;

import lombok.Value;

/** An argument type: Lombok writes equals, hashCode and the toString that Weft's keys use, ProductId(value=1). */
@Value
public class ProductId {
    long value;
}
