package dev.weft.samples.catalog;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of one main class, from its command line ({@code --name=value} or {@code --name value}) or, for an
 * option not on it, from the system property {@code catalog.<name>}; otherwise the default. An unknown option or a
 * value that does not parse is an {@link IllegalArgumentException} naming it, so a typo fails at start instead of
 * silently running on a default.
 */
final class Settings {

    /** Prefix of the system property that can set each option. */
    static final String PROPERTY_PREFIX = "catalog.";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final Map<String, String> arguments;

    private Settings(Map<String, String> arguments) {
        this.arguments = arguments;
    }

    /**
     * Parses {@code args}, accepting only the option names in {@code known}.
     *
     * @throws IllegalArgumentException for an unknown option, a missing value or a stray argument
     */
    static Settings parse(String[] args, List<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument \"" + arg
                        + "\"; options look like --name=value");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + name + " has no value");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known options: --"
                        + String.join(", --", known));
            }
            values.put(name, value);
        }
        return new Settings(values);
    }

    /** The option's value: command line, then system property, then {@code defaultValue} (may be null). */
    String get(String name, String defaultValue) {
        String value = arguments.get(name);
        if (value == null) {
            value = System.getProperty(PROPERTY_PREFIX + name);
        }
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /**
     * The option's value, which must be set.
     *
     * @throws IllegalArgumentException if it is not
     */
    String require(String name) {
        String value = get(name, null);
        if (value == null) {
            throw new IllegalArgumentException("option --" + name + " (or -D" + PROPERTY_PREFIX + name
                    + ") is required");
        }
        return value;
    }

    /** An integer option within {@code [min, max]}. */
    int getInt(String name, int defaultValue, int min, int max) {
        String text = get(name, null);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be an integer, got \"" + text + "\"", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("option --" + name + " must be between " + min + " and " + max
                    + ", got " + value);
        }
        return value;
    }

    /** A positive duration option: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT10S}). */
    Duration getDuration(String name, Duration defaultValue) {
        String text = get(name, null);
        if (text == null) {
            return defaultValue;
        }
        Duration value = parseDuration(name, text.toLowerCase(Locale.ROOT));
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("option --" + name + " must be positive, got \"" + text + "\"");
        }
        return value;
    }

    private static Duration parseDuration(String name, String text) {
        Matcher simple = SIMPLE_DURATION.matcher(text);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("option --" + name + " must be a duration such as 250ms, 10s, 5m or "
                    + "PT10S, got \"" + text + "\"", e);
        }
    }
}
