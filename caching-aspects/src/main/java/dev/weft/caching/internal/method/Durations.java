package dev.weft.caching.internal.method;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses the duration strings of {@code @Cached} and {@code @CachingConfiguration}: {@code "30s"}, {@code "10m"},
 * {@code "1h30m"}, {@code "250ms"}, {@code "2d"}, ISO-8601 ({@code "PT1H"}), and {@code "0"}/{@code "none"} for no
 * expiration. Runs once per method, never on the call path.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses {@code text}; returns {@code null} for an empty string (meaning "inherited") and {@link Duration#ZERO}
     * for "none".
     *
     * @throws IllegalArgumentException with a message showing the text when it cannot be parsed
     */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("0") || lower.equals("none")) {
            return Duration.ZERO;
        }
        if (lower.startsWith("p") || lower.startsWith("-p")) {
            try {
                return nonNegative(Duration.parse(s), text);
            } catch (DateTimeParseException e) {
                throw bad(text);
            }
        }
        Duration total = Duration.ZERO;
        int i = 0;
        int n = lower.length();
        while (i < n) {
            int start = i;
            while (i < n && Character.isDigit(lower.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw bad(text);
            }
            long amount;
            try {
                amount = Long.parseLong(lower, start, i, 10);
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            int unitStart = i;
            while (i < n && Character.isLetter(lower.charAt(i))) {
                i++;
            }
            String unit = lower.substring(unitStart, i);
            try {
                total = total.plus(of(amount, unit, text));
            } catch (ArithmeticException e) {
                throw bad(text);
            }
        }
        return total;
    }

    private static Duration of(long amount, String unit, String text) {
        switch (unit) {
            case "ns": return Duration.ofNanos(amount);
            case "us": return Duration.ofNanos(Math.multiplyExact(amount, 1000L));
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            case "d": return Duration.ofDays(amount);
            default: throw bad(text);
        }
    }

    private static Duration nonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a duration must not be negative: \"" + text + "\"");
        }
        return d;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("cannot parse duration \"" + text
                + "\": use a number and a unit (ns, us, ms, s, m, h, d) such as \"30s\" or \"1h30m\", an ISO-8601 "
                + "duration such as \"PT1H\", or \"none\"");
    }
}
