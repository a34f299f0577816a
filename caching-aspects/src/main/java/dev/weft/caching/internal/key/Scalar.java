package dev.weft.caching.internal.key;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The JDK value types whose {@code equals} agrees with their key text: a key component of such a type is kept as the
 * object itself, so that a hit compares and hashes it without writing text, and a key received as text can be read
 * back into the same object ({@link #parse}).
 *
 * <p>Every form says what it is, so that values of different types never share a text where a parameter is declared
 * as {@code Object} or inside a collection: {@code 42} is an {@code int}, {@code 42L} a {@code long}, {@code 4.2D} a
 * {@code double}, {@code "42"} a string. Two values of one type have the same text exactly when they are equal
 * ({@code -0.0D} differs from {@code 0.0D}, {@code BigDecimal(1.50)} from {@code BigDecimal(1.5)}, as {@code equals}
 * says).
 */
enum Scalar {

    STRING(String.class, -1) {
        @Override
        void write(Object v, StringBuilder out) {
            quote((String) v, '"', out);
        }

        @Override
        int read(String s, int at, Object[] into) {
            return unquote(s, at, '"', into);
        }
    },
    CHAR(Character.class, 6) {
        @Override
        void write(Object v, StringBuilder out) {
            quote(String.valueOf((char) (Character) v), '\'', out);
        }

        @Override
        int read(String s, int at, Object[] into) {
            int end = unquote(s, at, '\'', into);
            if (end < 0 || ((String) into[0]).length() != 1) {
                return -1;
            }
            into[0] = ((String) into[0]).charAt(0);
            return end;
        }
    },
    BOOLEAN(Boolean.class, 5) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append((boolean) (Boolean) v);
        }

        @Override
        int read(String s, int at, Object[] into) {
            if (s.startsWith("true", at)) {
                into[0] = Boolean.TRUE;
                return at + 4;
            }
            if (s.startsWith("false", at)) {
                into[0] = Boolean.FALSE;
                return at + 5;
            }
            return -1;
        }
    },
    INT(Integer.class, 11) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append((int) (Integer) v);
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readNumber(s, at, "", Integer::valueOf, into);
        }
    },
    LONG(Long.class, 21) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append((long) (Long) v).append('L');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readNumber(s, at, "L", Long::valueOf, into);
        }
    },
    SHORT(Short.class, 7) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append((short) (Short) v).append('S');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readNumber(s, at, "S", Short::valueOf, into);
        }
    },
    BYTE(Byte.class, 5) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append((byte) (Byte) v).append('B');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readNumber(s, at, "B", Byte::valueOf, into);
        }
    },
    DOUBLE(Double.class, 26) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append(Decimals.toText((double) (Double) v)).append('D');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readNumber(s, at, "D", Double::valueOf, into);
        }
    },
    FLOAT(Float.class, 17) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append(Decimals.toText((float) (Float) v)).append('F');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readNumber(s, at, "F", Float::valueOf, into);
        }
    },
    BIG_INTEGER(BigInteger.class, -1) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append("BigInteger(").append(v).append(')');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readTagged(s, at, "BigInteger(", BigInteger::new, into);
        }
    },
    BIG_DECIMAL(BigDecimal.class, -1) {
        @Override
        void write(Object v, StringBuilder out) {
            // toString is one-to-one with (unscaled value, scale), as equals is
            out.append("BigDecimal(").append(v).append(')');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readTagged(s, at, "BigDecimal(", BigDecimal::new, into);
        }
    },
    UUID_(UUID.class, 36) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, UUID::fromString, into);
        }
    },
    INSTANT(Instant.class, 40) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, Instant::parse, into);
        }
    },
    LOCAL_DATE(LocalDate.class, 20) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, LocalDate::parse, into);
        }
    },
    LOCAL_DATE_TIME(LocalDateTime.class, 40) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, LocalDateTime::parse, into);
        }
    },
    LOCAL_TIME(LocalTime.class, 20) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, LocalTime::parse, into);
        }
    },
    /** Written with a numeric offset, never {@code Z}, so that it never reads like an {@code Instant}. */
    OFFSET_DATE_TIME(OffsetDateTime.class, 50) {
        @Override
        void write(Object v, StringBuilder out) {
            OffsetDateTime t = (OffsetDateTime) v;
            out.append(t.toLocalDateTime());
            offset(t.getOffset(), out);
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, t -> OffsetDateTime.parse(t, OFFSET_DATE_TIME_FORMAT), into);
        }
    },
    OFFSET_TIME(OffsetTime.class, 30) {
        @Override
        void write(Object v, StringBuilder out) {
            OffsetTime t = (OffsetTime) v;
            out.append(t.toLocalTime());
            offset(t.getOffset(), out);
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, t -> OffsetTime.parse(t, OFFSET_TIME_FORMAT), into);
        }
    },
    /** Written with a numeric offset and always the zone in brackets, so that it never reads like another type. */
    ZONED_DATE_TIME(ZonedDateTime.class, 120) {
        @Override
        void write(Object v, StringBuilder out) {
            ZonedDateTime t = (ZonedDateTime) v;
            out.append(t.toLocalDateTime());
            offset(t.getOffset(), out);
            out.append('[').append(t.getZone().getId()).append(']');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, t -> {
                int bracket = t.indexOf('[');
                if (bracket < 0 || !t.endsWith("]")) {
                    throw new IllegalArgumentException(t);
                }
                OffsetDateTime odt = OffsetDateTime.parse(t.substring(0, bracket), OFFSET_DATE_TIME_FORMAT);
                ZoneId zone = ZoneId.of(t.substring(bracket + 1, t.length() - 1));
                return ZonedDateTime.ofLocal(odt.toLocalDateTime(), zone, odt.getOffset());
            }, into);
        }
    },
    YEAR(Year.class, 18) {
        @Override
        void write(Object v, StringBuilder out) {
            out.append("Year(").append(((Year) v).getValue()).append(')');
        }

        @Override
        int read(String s, int at, Object[] into) {
            return readTagged(s, at, "Year(", t -> Year.of(Integer.parseInt(t)), into);
        }
    },
    YEAR_MONTH(YearMonth.class, 20) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, YearMonth::parse, into);
        }
    },
    MONTH_DAY(MonthDay.class, 7) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, MonthDay::parse, into);
        }
    },
    DURATION(Duration.class, 40) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, Duration::parse, into);
        }
    },
    PERIOD(Period.class, 40) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, Period::parse, into);
        }
    },
    ZONE_OFFSET(ZoneOffset.class, 9) {
        @Override
        int read(String s, int at, Object[] into) {
            return readToken(s, at, ZoneOffset::of, into);
        }
    };

    private static final DateTimeFormatter OFFSET_DATE_TIME_FORMAT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:MM:ss", "+00:00").toFormatter();
    private static final DateTimeFormatter OFFSET_TIME_FORMAT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_TIME).appendOffset("+HH:MM:ss", "+00:00").toFormatter();

    private static final Map<Class<?>, Scalar> BY_TYPE;

    static {
        Map<Class<?>, Scalar> m = new java.util.HashMap<>();
        for (Scalar s : values()) {
            m.put(s.type, s);
        }
        m.put(int.class, INT);
        m.put(long.class, LONG);
        m.put(short.class, SHORT);
        m.put(byte.class, BYTE);
        m.put(double.class, DOUBLE);
        m.put(float.class, FLOAT);
        m.put(boolean.class, BOOLEAN);
        m.put(char.class, CHAR);
        BY_TYPE = Map.copyOf(m);
    }

    final Class<?> type;
    /** The longest text a value can have, or -1 when it is unbounded (strings, big numbers). */
    final int maxLength;

    Scalar(Class<?> type, int maxLength) {
        this.type = type;
        this.maxLength = maxLength;
    }

    /** The scalar of exactly this class (or primitive), or {@code null}. */
    static Scalar of(Class<?> type) {
        return BY_TYPE.get(type);
    }

    /** Appends the key text of {@code v}, a non-null value of this type. */
    void write(Object v, StringBuilder out) {
        out.append(v);
    }

    /**
     * Reads a value of this type from {@code s} at {@code at} into {@code into[0]}; returns the index just after it,
     * or -1 when the text there is not one. Lenient: the caller writes the value again and compares.
     */
    abstract int read(String s, int at, Object[] into);

    private static void offset(ZoneOffset offset, StringBuilder out) {
        out.append(offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId());
    }

    /** Appends {@code s} between {@code quote}s, escaping the quote and the backslash with a backslash. */
    static void quote(String s, char quote, StringBuilder out) {
        out.append(quote);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append(quote);
    }

    private static int unquote(String s, int at, char quote, Object[] into) {
        if (at >= s.length() || s.charAt(at) != quote) {
            return -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = at + 1, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (++i >= n) {
                    return -1;
                }
                sb.append(s.charAt(i));
            } else if (c == quote) {
                into[0] = sb.toString();
                return i + 1;
            } else {
                sb.append(c);
            }
        }
        return -1;
    }

    /** The end of a token that runs to the next {@code ,} or {@code )}. */
    private static int tokenEnd(String s, int at) {
        int i = at;
        while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ')') {
            i++;
        }
        return i;
    }

    private static int readToken(String s, int at, Function<String, Object> parse, Object[] into) {
        int end = tokenEnd(s, at);
        try {
            into[0] = parse.apply(s.substring(at, end));
            return end;
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            // DateTimeException: also a zone or offset unknown here (another instance may have a newer tz database)
            return -1;
        }
    }

    private static int readNumber(String s, int at, String suffix, Function<String, Object> parse, Object[] into) {
        int end = tokenEnd(s, at);
        if (!s.startsWith(suffix, end - suffix.length()) || end - suffix.length() <= at) {
            return -1;
        }
        try {
            into[0] = parse.apply(s.substring(at, end - suffix.length()));
            return end;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static int readTagged(String s, int at, String tag, Function<String, Object> parse, Object[] into) {
        if (!s.startsWith(tag, at)) {
            return -1;
        }
        int close = s.indexOf(')', at + tag.length());
        if (close < 0) {
            return -1;
        }
        try {
            into[0] = parse.apply(s.substring(at + tag.length(), close));
            return close + 1;
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return -1;
        }
    }
}
