package dev.weft.caching.redis.backend;

import dev.weft.caching.backend.ValueSerializationException;
import dev.weft.caching.redis.backend.serialization.Gadget;
import dev.weft.caching.redis.backend.serialization.Tripwire;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The default serializer: values come back equal and of the same class, and bytes never make it load a class the
 * application did not allow.
 */
class JsonValueSerializerTest {

    enum Status { ACTIVE, RETIRED }

    record Price(BigDecimal amount, String currency) {
    }

    record Product(long id, String name, Price price, Status status, List<String> tags, Optional<String> note,
                   Instant changed, UUID ref) {
    }

    record Catalog(String title, List<Product> products, Map<String, Price> byCode, Object anything) {
    }

    record Keyed(Map<Long, String> names, List<Optional<String>> notes) {
    }

    final JsonValueSerializer serializer = JsonValueSerializer.builder()
            .allowPackages("dev.weft.caching.redis.backend")
            .build();

    /** The format: a byte that says "JSON follows", then the JSON. */
    private static byte[] json(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[utf8.length + 1];
        bytes[0] = 2;
        System.arraycopy(utf8, 0, bytes, 1, utf8.length);
        return bytes;
    }

    private Object roundTrip(Object value) {
        return serializer.deserialize(serializer.serialize(value));
    }

    static Product product(long id) {
        return new Product(id, "Mug " + id, new Price(new BigDecimal("12.50"), "EUR"), Status.ACTIVE,
                List.of("kitchen", "gift"), Optional.empty(), Instant.parse("2026-03-01T10:15:30.123456789Z"),
                UUID.fromString("3f2c8a1e-0000-4000-8000-00000000002a"));
    }

    @Test
    void nullAndEmptyOptionalRoundTrip() {
        assertThat(roundTrip(null)).isNull();
        assertThat(roundTrip(Optional.empty())).isEqualTo(Optional.empty());
        assertThat(roundTrip(Optional.of(product(1)))).isEqualTo(Optional.of(product(1)));
    }

    @Test
    void recordsComeBackEqualAndOfTheirClass() {
        Product p = product(7);
        assertThat(roundTrip(p)).isInstanceOf(Product.class).isEqualTo(p);
        Map<String, Price> byCode = new LinkedHashMap<>();
        byCode.put("a", new Price(BigDecimal.ONE, "USD"));
        Catalog c = new Catalog("spring", List.of(product(1), product(2)), byCode, 42L);
        Catalog back = (Catalog) roundTrip(c);
        assertThat(back).isEqualTo(c);
        assertThat(back.products().get(0)).isInstanceOf(Product.class);
        assertThat(back.anything()).as("a Long in an Object field stays a Long").isInstanceOf(Long.class);
    }

    @Test
    void scalarsKeepTheirClass() {
        for (Object v : List.of(42L, 42, 4.2d, 4.2f, (short) 4, (byte) 4, 'x', true, "text", new BigDecimal("1.10"),
                java.math.BigInteger.TEN, LocalDate.of(2026, 1, 31), Status.RETIRED)) {
            assertThat(roundTrip(v)).as("%s", v.getClass()).isInstanceOf(v.getClass()).isEqualTo(v);
        }
        ZonedDateTime paris = ZonedDateTime.of(2026, 3, 29, 2, 30, 0, 0, ZoneId.of("Europe/Paris"));
        assertThat(roundTrip(paris)).isEqualTo(paris);
        assertThat((byte[]) roundTrip(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat((int[]) roundTrip(new int[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat((Product[]) roundTrip(new Product[] {product(1)})).containsExactly(product(1));
    }

    @Test
    void collectionsComeBackEqual() {
        assertThat(roundTrip(List.of())).isEqualTo(List.of());
        assertThat(roundTrip(List.of(product(1), product(2)))).isEqualTo(List.of(product(1), product(2)));
        assertThat(roundTrip(new ArrayList<>(List.of(1L, 2L)))).isEqualTo(List.of(1L, 2L));
        assertThat(roundTrip(Set.of("a", "b"))).isEqualTo(Set.of("a", "b"));
        assertThat(roundTrip(new TreeSet<>(Set.of(3, 1)))).isInstanceOf(TreeSet.class);
        assertThat(roundTrip(Map.of("k", product(3)))).isEqualTo(Map.of("k", product(3)));
        assertThat(roundTrip(new HashMap<>(Map.of("one", 1L)))).isEqualTo(Map.of("one", 1L));
        // JSON object keys are text: a key's class comes back from the declared type, as in this record
        Keyed keyed = new Keyed(Map.of(1L, "one"), List.of(Optional.of("x")));
        assertThat(roundTrip(keyed)).isEqualTo(keyed);
        assertThat(roundTrip(java.util.Collections.unmodifiableList(new ArrayList<>(List.of("x")))))
                .isEqualTo(List.of("x"));
    }

    @Test
    void aNewerVersionOfARecordIsReadWithoutItsNewComponent() {
        String newer = "{\"@class\":\"" + Price.class.getName() + "\",\"amount\":[\"java.math.BigDecimal\",3],"
                + "\"currency\":\"EUR\",\"discount\":[\"java.lang.Integer\",5]}";
        assertThat(serializer.deserialize(json(newer)))
                .isEqualTo(new Price(new BigDecimal("3"), "EUR"));
    }

    @Test
    void bytesNamingAClassThatIsNotAllowedAreRefusedBeforeTheClassIsLoaded() {
        // Gadget's static initializer and constructor trip the wire: neither may run
        JsonValueSerializer strict = JsonValueSerializer.create();
        String attack = "{\"@class\":\"dev.weft.caching.redis.backend.serialization.Gadget\",\"command\":\"rm\"}";
        assertThatThrownBy(() -> strict.deserialize(json(attack)))
                .isInstanceOf(ValueSerializationException.class)
                .hasMessageContaining("dev.weft.caching.redis.backend.serialization.Gadget is not allowed");
        String nested = "[\"java.util.ArrayList\",[{\"@class\":\"dev.weft.caching.redis.backend.serialization.Gadget\"}]]";
        assertThatThrownBy(() -> strict.deserialize(json(nested)))
                .isInstanceOf(ValueSerializationException.class);
        String jdkGadget = "[\"javax.management.BadAttributeValueExpException\",{}]";
        assertThatThrownBy(() -> strict.deserialize(json(jdkGadget)))
                .isInstanceOf(ValueSerializationException.class).hasMessageContaining("is not allowed");
        assertThat(Tripwire.tripped()).as("Gadget was never loaded nor built").isZero();
    }

    @Test
    void aValueOfAClassThatIsNotAllowedIsRefusedWhenWrittenWithWhatToAllow() {
        JsonValueSerializer strict = JsonValueSerializer.create();
        assertThatThrownBy(() -> strict.serialize(List.of(new Price(BigDecimal.ONE, "EUR"))))
                .isInstanceOf(ValueSerializationException.class)
                .hasMessageContaining(Price.class.getName() + " is not allowed")
                .hasMessageContaining("allowPackages(\"dev.weft.caching.redis.backend\")");
        assertThat(Tripwire.tripped()).isZero();
    }

    @Test
    void allowingAClassAllowsItAndItsArrays() {
        JsonValueSerializer one = JsonValueSerializer.builder().allowClasses(Price.class).build();
        Price p = new Price(BigDecimal.TEN, "EUR");
        assertThat(one.deserialize(one.serialize(p))).isEqualTo(p);
        assertThat((Price[]) one.deserialize(one.serialize(new Price[] {p}))).containsExactly(p);
        assertThatThrownBy(() -> one.serialize(product(1))).isInstanceOf(ValueSerializationException.class);
    }

    @Test
    void malformedBytesAreASerializationFailure() {
        assertThatThrownBy(() -> serializer.deserialize(json("{\"@class\":")))
                .isInstanceOf(ValueSerializationException.class);
    }

    @Test
    void jdkPackagesCannotBeAllowedWholesale() {
        assertThatThrownBy(() -> JsonValueSerializer.builder().allowPackages("java.util"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util");
        assertThatThrownBy(() -> JsonValueSerializer.builder().allowPackages("com.sun.rowset"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonValueSerializer.builder().allowPackages("not a package"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
