package dev.weft.benchmarks.l2;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The values the Redis level's benchmarks store: a small record, and an object graph of about 2 KB in JSON (an order
 * with its customer and 12 lines), records all the way down. {@link Serializable} only so that Java's native
 * serialization, measured for reference, can write them.
 */
public final class Values {

    private Values() {
    }

    public record Price(BigDecimal amount, String currency) implements Serializable {
    }

    public record SmallProduct(long id, String name, long priceCents, boolean available) implements Serializable {
    }

    public record Customer(long id, String name, String email, List<String> tags) implements Serializable {
    }

    public record Line(long sku, String description, int quantity, Price unitPrice, boolean giftWrapped)
            implements Serializable {
    }

    public record Order(String id, Customer customer, List<Line> lines, Price total, Instant placed, String note)
            implements Serializable {
    }

    /** A small record: a product row. */
    public static SmallProduct small(long id) {
        return new SmallProduct(id, "Product " + id, 1299 + id, true);
    }

    /** About 2 KB of JSON. */
    public static Order graph(long id) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(new Line(100_000 + id * 100 + i, "Stoneware mug, glazed, 350 ml, colour " + i, 1 + i % 3,
                    new Price(new BigDecimal("12.50").add(BigDecimal.valueOf(i)), "EUR"), i % 4 == 0));
        }
        return new Order("order-" + id, new Customer(id, "Ada Lovelace", "ada@example.com",
                List.of("loyal", "newsletter")), lines, new Price(new BigDecimal("231.00"), "EUR"),
                Instant.parse("2026-03-01T10:15:30Z"), "Leave at the door");
    }

    /** {@code small} or {@code graph2k}. */
    public static Object of(String shape, long id) {
        switch (shape) {
            case "small":
                return small(id);
            case "graph2k":
                return graph(id);
            default:
                throw new IllegalArgumentException("unknown value shape " + shape);
        }
    }
}
