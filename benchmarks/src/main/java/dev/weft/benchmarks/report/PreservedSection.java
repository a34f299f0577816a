package dev.weft.benchmarks.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A section of docs/performance.md that another part of the project writes and this generator must not lose: the
 * report is rewritten from scratch on every run, so such a section is found in the file being replaced and copied
 * through verbatim at the end of the new one.
 */
final class PreservedSection {

    /**
     * Written by the Azure Service Bus invalidator's latency measurement (invalidator-azure), not by run.sh: kept as
     * it is, wherever it was, and whatever heading level it has.
     */
    static final String AZURE = "Azure Service Bus invalidation latency (in-process endpoint)";

    /** Written from the results of benchmarks/run-l2.sh (weft-backend-redis), not by run.sh. */
    static final String REDIS_LEVEL = "The Redis level (L2)";

    private PreservedSection() {
    }

    /**
     * The section titled {@code title} in {@code markdown}: from its heading line to the next heading of the same or
     * a higher level (or the end), without trailing blank lines; {@code ""} when there is none.
     */
    static String find(String markdown, String title) {
        Matcher heading = Pattern.compile("(?m)^(#{1,6})[ \\t]+" + Pattern.quote(title) + "[ \\t]*#*[ \\t]*$")
                .matcher(markdown);
        if (!heading.find()) {
            return "";
        }
        int level = heading.group(1).length();
        Matcher next = Pattern.compile("(?m)^#{1," + level + "}[ \\t]").matcher(markdown);
        int end = markdown.length();
        int from = heading.end();   // the position of each line below, as the loop walks them
        boolean inFence = false;
        // headings inside fenced code blocks do not end the section
        for (String line : markdown.substring(from).split("\n", -1)) {
            if (line.startsWith("```")) {
                inFence = !inFence;
            } else if (!inFence && next.reset(line).lookingAt()) {
                end = from;
                break;
            }
            from += line.length() + 1;
        }
        return markdown.substring(heading.start(), end).stripTrailing() + "\n";
    }
}
