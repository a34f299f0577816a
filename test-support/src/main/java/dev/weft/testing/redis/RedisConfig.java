package dev.weft.testing.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds a redis.conf, quoting every argument the way redis' own parser ({@code sdssplitargs}) reads it back, so
 * paths with spaces, empty arguments ({@code save ""}) and arbitrary passwords survive unchanged. A config file
 * rather than {@code --directive} arguments because it is unambiguous and can be read next to the log when a
 * start fails. Not thread-safe; build, then write.
 */
final class RedisConfig {

    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:@+~*&>%=,-]+");

    private final List<String> lines = new ArrayList<>();

    /** Adds {@code directive arg...}; an argument is quoted unless it is a plain token. */
    RedisConfig add(String directive, String... args) {
        StringBuilder line = new StringBuilder(directive);
        for (String arg : args) {
            line.append(' ').append(quote(arg));
        }
        lines.add(line.toString());
        return this;
    }

    /** Adds a comment line (for whoever reads the file after a failure). */
    RedisConfig comment(String text) {
        lines.add("# " + text.replace('\n', ' '));
        return this;
    }

    List<String> lines() {
        return Collections.unmodifiableList(lines);
    }

    String render() {
        return String.join("\n", lines) + "\n";
    }

    static String quote(String arg) {
        if (BARE.matcher(arg).matches()) {
            return arg;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : arg.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
