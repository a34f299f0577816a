package dev.weft.spring.boot.it;

import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON answer, read the way the tests navigate it ({@code path}, {@code asString}...). Parsed by Spring Boot's
 * {@link JsonParserFactory}, which both Boot lines ship (it picks the Jackson of the line: 2 on Boot 3, 3 on Boot 4),
 * so the tests do not depend on one Jackson major version. A missing member reads as empty, as Jackson's
 * {@code path} does.
 */
public final class Json implements Iterable<Json> {

    private static final Json MISSING = new Json(null);

    private final Object value;

    private Json(Object value) {
        this.value = value;
    }

    /** Parses a JSON object or array. */
    public static Json parse(String text) {
        JsonParser parser = JsonParserFactory.getJsonParser();
        return new Json(text.trim().startsWith("[") ? parser.parseList(text) : parser.parseMap(text));
    }

    /** The member {@code name} of an object; empty when there is none. */
    public Json path(String name) {
        return value instanceof Map<?, ?> map && map.containsKey(name) ? new Json(map.get(name)) : MISSING;
    }

    /** The member names of an object. */
    public Set<String> propertyNames() {
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Set<String> names = (Set<String>) map.keySet();
            return names;
        }
        return Set.of();
    }

    /** A text, or the text of a number or boolean; empty when missing. */
    public String asString() {
        return value == null ? "" : String.valueOf(value);
    }

    public long asLong() {
        return value instanceof Number n ? n.longValue() : 0;
    }

    public double asDouble() {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    /** The elements of an array, or the values of an object. */
    @Override
    public Iterator<Json> iterator() {
        List<?> elements = value instanceof List<?> list ? list
                : value instanceof Map<?, ?> map ? List.copyOf(map.values()) : Collections.emptyList();
        return elements.stream().map(Json::new).iterator();
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
