package dev.weft.caching.internal.key;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;

/**
 * The immutable JDK types whose {@code equals} agrees with their canonical key text: a key component of such a type
 * is kept as the object itself, so a cache hit compares and hashes it without formatting anything.
 */
final class ValueTypes {

    private static final Set<Class<?>> TYPES = Set.of(
            String.class, Integer.class, Long.class, Short.class, Byte.class, Character.class, Boolean.class,
            Double.class, Float.class, BigInteger.class, BigDecimal.class, UUID.class,
            java.time.Instant.class, java.time.LocalDate.class, java.time.LocalDateTime.class,
            java.time.LocalTime.class, java.time.OffsetDateTime.class, java.time.OffsetTime.class,
            java.time.ZonedDateTime.class, java.time.Duration.class, java.time.Period.class, java.time.Year.class,
            java.time.YearMonth.class, java.time.MonthDay.class, java.time.ZoneOffset.class);

    private ValueTypes() {
    }

    /** Whether instances of exactly this class can stand for themselves in a key. */
    static boolean isValueType(Class<?> type) {
        return type.isPrimitive() || TYPES.contains(type) || Enum.class.isAssignableFrom(type);
    }
}
