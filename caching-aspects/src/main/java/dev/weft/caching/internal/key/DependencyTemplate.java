package dev.weft.caching.internal.key;

import dev.weft.caching.CachingConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * A dependency key template such as {@code "product:{id}"}, parsed once. A placeholder names a parameter; its value
 * renders as a person would write it ({@link KeyFormatting#appendPlain}): a string as its own text, a number without
 * its type suffix ({@code product:42}), an enum by its name, anything else as its key text. {@code {{} and {@code }}}
 * stand for literal braces.
 */
public final class DependencyTemplate {

    private final String template;
    private final String[] literals;   // literals[i] precedes placeholder i; one more literal than placeholders
    private final int[] placeholders;  // what the index means is up to the caller (an argument's index)

    private DependencyTemplate(String template, String[] literals, int[] placeholders) {
        this.template = template;
        this.literals = literals;
        this.placeholders = placeholders;
    }

    /**
     * Parses {@code template}.
     *
     * @param resolve maps a placeholder name to an index, or returns -1 when the name is not allowed
     * @param owner   names the method and attribute for error messages
     * @param allowed describes the names that are allowed, for error messages
     */
    public static DependencyTemplate parse(String template, ToIntFunction<String> resolve, String owner,
                                           String allowed) {
        if (template.isEmpty()) {
            throw new CachingConfigurationException(owner + ": a dependency template must not be empty");
        }
        List<String> lits = new ArrayList<>();
        List<Integer> refs = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < n && template.charAt(i + 1) == '{') {
                lit.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < n && template.charAt(i + 1) == '}') {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new CachingConfigurationException(owner + ": unclosed '{' in dependency template \""
                            + template + "\"");
                }
                String name = template.substring(i + 1, end).trim();
                int index = resolve.applyAsInt(name);
                if (index < 0) {
                    throw new CachingConfigurationException(owner + ": dependency template \"" + template
                            + "\" names '" + name + "', which is not " + allowed);
                }
                lits.add(lit.toString());
                lit.setLength(0);
                refs.add(index);
                i = end + 1;
            } else if (c == '}') {
                throw new CachingConfigurationException(owner + ": unmatched '}' in dependency template \""
                        + template + "\" (write '}}' for a literal brace)");
            } else {
                lit.append(c);
                i++;
            }
        }
        lits.add(lit.toString());
        return new DependencyTemplate(template, lits.toArray(new String[0]),
                refs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Whether the template has no placeholder (its text is constant). */
    public boolean isConstant() {
        return placeholders.length == 0;
    }

    /** Renders the template; {@code valueAt} returns the value for a placeholder's index. */
    public String render(IntFunction<Object> valueAt, KeyFormatting formatting) {
        if (placeholders.length == 0) {
            return literals[0];
        }
        StringBuilder sb = new StringBuilder(template.length() + 16);
        for (int p = 0; p < placeholders.length; p++) {
            sb.append(literals[p]);
            formatting.appendPlain(valueAt.apply(placeholders[p]), sb);
        }
        sb.append(literals[literals.length - 1]);
        return sb.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
