package dev.weft.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal grouped bar chart written as plain SVG: one group of bars per label, one bar per series. Bars longer
 * than the axis (an outlier that would flatten the others) are cut at the axis end and marked; every bar is labelled
 * with its value.
 */
final class SvgBarChart {

    private static final int PLOT_WIDTH = 470;
    private static final int BAR = 14;
    private static final int BAR_GAP = 2;
    private static final int GROUP_GAP = 10;
    private static final int TOP = 58;

    private final String title;
    private final String unit;
    private final List<String> seriesNames = new ArrayList<>();
    private final List<String> seriesColors = new ArrayList<>();
    private final List<String> groupLabels = new ArrayList<>();
    private final List<double[]> groupValues = new ArrayList<>();
    private double axisMax = Double.NaN;

    SvgBarChart(String title, String unit) {
        this.title = title;
        this.unit = unit;
    }

    SvgBarChart series(String name, String color) {
        seriesNames.add(name);
        seriesColors.add(color);
        return this;
    }

    /** Adds a group; one value per series, NaN for none. */
    SvgBarChart group(String label, double... values) {
        if (values.length != seriesNames.size()) {
            throw new IllegalArgumentException(label + ": " + values.length + " values for " + seriesNames.size()
                    + " series");
        }
        groupLabels.add(label);
        groupValues.add(values.clone());
        return this;
    }

    /** Ends the axis at {@code max} (rounded up to a tick); longer bars are cut. Default: the longest bar. */
    SvgBarChart axisMax(double max) {
        this.axisMax = max;
        return this;
    }

    String render() {
        double longest = 0;
        for (double[] values : groupValues) {
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    longest = Math.max(longest, v);
                }
            }
        }
        double max = Double.isNaN(axisMax) ? longest : Math.min(axisMax, longest);
        double step = tickStep(max <= 0 ? 1 : max);
        double end = Math.ceil(max / step) * step;
        if (end <= 0) {
            end = step;
        }
        int longestLabel = groupLabels.stream().mapToInt(String::length).max().orElse(10);
        int labelWidth = Math.max(160, 7 * longestLabel + 16);
        int width = labelWidth + PLOT_WIDTH + 150;
        int groupHeight = seriesNames.size() * (BAR + BAR_GAP) - BAR_GAP;
        int plotHeight = groupLabels.size() * (groupHeight + GROUP_GAP);
        int height = TOP + plotHeight + 34;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        int legendX = labelWidth;
        for (int s = 0; s < seriesNames.size(); s++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"40\">%s</text>%n", legendX, seriesColors.get(s), legendX + 16,
                    escape(seriesNames.get(s))));
            legendX += 28 + 7 * seriesNames.get(s).length();
        }
        // grid and axis labels
        for (double t = 0; t <= end + step / 2; t += step) {
            double x = labelWidth + PLOT_WIDTH * t / end;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                    x, TOP - 4, x, TOP + plotHeight, x, TOP + plotHeight + 14, format(t)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                labelWidth + PLOT_WIDTH / 2, TOP + plotHeight + 30, escape(unit)));
        int y = TOP;
        for (int g = 0; g < groupLabels.size(); g++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    labelWidth - 8, y + groupHeight / 2.0 + 4, escape(groupLabels.get(g))));
            double[] values = groupValues.get(g);
            for (int s = 0; s < values.length; s++) {
                int barY = y + s * (BAR + BAR_GAP);
                double v = values[s];
                if (Double.isNaN(v)) {
                    continue;
                }
                boolean cut = v > end;
                double w = PLOT_WIDTH * Math.min(v, end) / end;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        + "fill=\"%s\"/>%n", labelWidth, barY, w, BAR, seriesColors.get(s)));
                if (cut) {
                    double cx = labelWidth + w - 10;
                    svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d l6 %d l-6 %d\" stroke=\"white\" "
                            + "stroke-width=\"2\" fill=\"none\"/>%n", cx, barY, BAR / 2, BAR / 2));
                }
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#222\">%s%s</text>%n",
                        labelWidth + w + 4, barY + BAR - 3, format(v), cut ? " (cut)" : ""));
            }
            y += groupHeight + GROUP_GAP;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double tickStep(double max) {
        double raw = max / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double[] nice = {1, 2, 2.5, 5, 10};
        for (double n : nice) {
            if (n * magnitude >= raw) {
                return n * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String format(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
