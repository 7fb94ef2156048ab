package org.exitbench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG chart with numeric axes, written as text: points, lines, reference lines and a legend. Enough for
 * a report's accuracy-vs-compute plots, with no drawing library (the engine does not depend on JavaFX or AWT).
 * Every text is XML-escaped, so the result is a well-formed SVG element to inline in HTML.
 */
public final class SvgChart {

    /** Okabe–Ito colours (colour-blind safe), as the app's exit palette. */
    static final String GREY = ExitPalette.referenceHex();

    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 46;

    private final int width;
    private final int height;
    private final int left;
    private final double xMin;
    private final double xMax;
    private final double yMin;
    private final double yMax;
    private final StringBuilder body = new StringBuilder();
    private final List<String[]> legend = new ArrayList<>();
    private final String title;
    private final String xLabel;
    private final String yLabel;

    SvgChart(int width, int height, String title, String xLabel, String yLabel, double xMin, double xMax,
             double yMin, double yMax) {
        this(width, height, 62, title, xLabel, yLabel, xMin, xMax, yMin, yMax);
    }

    /** @param left the margin left of the plot area, for the y axis's numbers or category names */
    SvgChart(int width, int height, int left, String title, String xLabel, String yLabel, double xMin, double xMax,
             double yMin, double yMax) {
        if (!(xMax > xMin) || !(yMax > yMin)) {
            throw new IllegalArgumentException("empty axis range: x " + xMin + ".." + xMax + ", y " + yMin + ".."
                    + yMax);
        }
        this.width = width;
        this.height = height;
        this.left = left;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.xMin = xMin;
        this.xMax = xMax;
        this.yMin = yMin;
        this.yMax = yMax;
    }

    double x(double value) {
        return left + (value - xMin) / (xMax - xMin) * (width - left - RIGHT);
    }

    double y(double value) {
        return height - BOTTOM - (value - yMin) / (yMax - yMin) * (height - TOP - BOTTOM);
    }

    /** Draws one circle per point, each with a tooltip. */
    SvgChart points(List<double[]> xy, List<String> tooltips, String colour, double radius, boolean hollow) {
        for (int i = 0; i < xy.size(); i++) {
            double[] p = xy.get(i);
            body.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s>", x(p[0]),
                    y(p[1]), radius, hollow ? "fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.2\""
                            : "fill=\"" + colour + "\" fill-opacity=\"0.55\""));
            if (tooltips != null) {
                body.append("<title>").append(escape(tooltips.get(i))).append("</title>");
            }
            body.append("</circle>");
        }
        return this;
    }

    /** Draws a polyline through the points in order; {@code steps} draws a staircase (a Pareto front). */
    SvgChart line(List<double[]> xy, String colour, double strokeWidth, String dash) {
        if (xy.isEmpty()) {
            return this;
        }
        StringBuilder path = new StringBuilder();
        for (double[] p : xy) {
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x(p[0]),
                    y(p[1])));
        }
        body.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"").append(strokeWidth).append('"')
                .append(dash == null ? "" : " stroke-dasharray=\"" + dash + "\"").append("/>");
        return this;
    }

    /** Draws a horizontal reference line with a label at its right end. */
    SvgChart horizontal(double value, String colour, String label) {
        body.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-dasharray=\"4 3\"/>", left, width - RIGHT, y(value), y(value), colour));
        text(left + 4, y(value) - 4, label, "start", colour);
        return this;
    }

    /** Draws a vertical reference line with a label at its top. */
    SvgChart vertical(double value, String colour, String label) {
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-dasharray=\"4 3\"/>", x(value), x(value), TOP, height - BOTTOM, colour));
        text(x(value) + 4, TOP + 12, label, "start", colour);
        return this;
    }

    /** Draws a cross marker with a label beside it. */
    SvgChart cross(double xValue, double yValue, String colour, String label) {
        double cx = x(xValue);
        double cy = y(yValue);
        body.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\" "
                + "stroke=\"%s\" stroke-width=\"2\"/>", cx - 6, cy - 6, cx + 6, cy + 6, cx - 6, cy + 6, cx + 6,
                cy - 6, colour));
        boolean rightHalf = cx > (left + width - RIGHT) / 2.0;
        text(rightHalf ? cx - 9 : cx + 9, cy + 4, label, rightHalf ? "end" : "start", colour);
        return this;
    }

    /** Draws a horizontal interval with a tick at its centre (a mean and its confidence interval). */
    SvgChart interval(double low, double centre, double high, double yValue, String colour) {
        double cy = y(yValue);
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"%s\" stroke-width=\"2\"/>", x(low), x(high), cy, cy, colour));
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"%s\" stroke-width=\"3\"/>", x(centre), x(centre), cy - 7, cy + 7, colour));
        return this;
    }

    /** Writes a text label in the plot area's left margin at a data y (category names of strip plots). */
    SvgChart category(double yValue, String label) {
        text(left - 6, y(yValue) + 4, label, "end", "#222");
        return this;
    }

    SvgChart legend(String label, String colour) {
        legend.add(new String[] {label, colour});
        return this;
    }

    private void text(double x, double y, String text, String anchor, String colour) {
        body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">", x, y,
                anchor, colour)).append(escape(text)).append("</text>");
    }

    /**
     * @param numericY whether to label the y axis with numbers (false for a strip plot with categories)
     * @return the chart as one {@code <svg>} element
     */
    String svg(boolean numericY) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">", width, height,
                width, height));
        s.append("<title>").append(escape(title)).append("</title>");
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
                + "stroke=\"#bbb\"/>", left, TOP, width - left - RIGHT, height - TOP - BOTTOM));
        for (double t : ticks(xMin, xMax)) {
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">%s</text>", x(t), x(t), TOP,
                    height - BOTTOM, x(t), height - BOTTOM + 14, label(t)));
        }
        if (numericY) {
            for (double t : ticks(yMin, yMax)) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>",
                        left, width - RIGHT, y(t), y(t), left - 5, y(t) + 4, label(t)));
            }
        }
        s.append(body);
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\" "
                + "fill=\"#222\">%s</text>", left, escape(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#222\">%s"
                + "</text>", (left + width - RIGHT) / 2.0, height - 10, escape(xLabel)));
        if (yLabel != null) {
            s.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %.1f) rotate(-90)\" "
                    + "text-anchor=\"middle\" fill=\"#222\">%s</text>", (TOP + height - BOTTOM) / 2.0,
                    escape(yLabel)));
        }
        // Bottom left: accuracy-vs-compute curves fall from the top left, so that corner stays free.
        double lx = left + 10;
        double ly = height - BOTTOM - 8 - 15 * (legend.size() - 1);
        for (String[] entry : legend) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222\">%s</text>", lx, ly - 4, entry[1], lx + 8, ly,
                    escape(entry[0])));
            ly += 15;
        }
        s.append("</svg>");
        return s.toString();
    }

    /** @return about five round tick values covering [min, max] */
    static List<Double> ticks(double min, double max) {
        double raw = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return ticks;
    }

    private static String label(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "");
    }

    /** @return the text with {@code & < > " '} escaped for XML */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
