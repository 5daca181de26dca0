package io.vigil.app;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG figure over time: lines (a quantile per step) or bars (a resync's duration at its
 * start), with a time axis in UTC, a value axis from 0 with its unit, a title and a legend. Written
 * by hand because the figure is this simple and the CLI should not carry a charting library.
 * The plot area is {@value #LEFT} to {@value #RIGHT} across and {@value #TOP} to {@value #BOTTOM}
 * down; a value v of at most the axis's top {@code ymax} sits at {@code BOTTOM - v / ymax * (BOTTOM - TOP)}.
 */
final class SvgPlot {
    static final int WIDTH = 800;
    static final int HEIGHT = 400;
    static final int LEFT = 90;
    static final int RIGHT = 750;
    static final int TOP = 40;
    static final int BOTTOM = 330;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    /** One line's points: time in epoch ms and a value in the axis's unit; a break between runs where steps are missing. */
    record Line(String name, List<List<Point>> runs) {}

    record Point(long atMs, double value) {}

    /** A bar from {@code startMs} to {@code endMs} on the time axis, {@code value} high. */
    record Bar(long startMs, long endMs, double value) {}

    private final String title;
    private final long fromMs;
    private final long toMs;
    private final ValueAxis axis;

    /** {@code axis}: the value axis's quantity and unit, scaled to its largest value. */
    SvgPlot(String title, long fromMs, long toMs, ValueAxis axis) {
        this.title = title;
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.axis = axis;
    }

    /** The scale and words of the value axis: values are divided by {@code divisor} and shown in {@code unit}. */
    record ValueAxis(String quantity, String unit, double divisor, double top) {
        /** An axis for values in {@code baseUnit} ("s" or "bytes") up to {@code max}: seconds as ms, s, min or h; bytes as B to GiB. */
        static ValueAxis of(String quantity, String baseUnit, double max) {
            double divisor = 1;
            String unit = baseUnit;
            if (baseUnit.equals("s")) {
                if (max < 1) {
                    divisor = 0.001;
                    unit = "ms";
                } else if (max >= 7_200) {
                    divisor = 3_600;
                    unit = "h";
                } else if (max >= 120) {
                    divisor = 60;
                    unit = "min";
                }
            } else if (baseUnit.equals("bytes")) {
                String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
                int k = 0;
                while (k < units.length - 1 && max / Math.pow(1024, k) >= 1024) {
                    k++;
                }
                divisor = Math.pow(1024, k);
                unit = units[k];
            }
            return new ValueAxis(quantity, unit, divisor, niceCeiling(max / divisor));
        }
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten at or above {@code v}; 1 for nothing to show. */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= v * (1 - 1e-12)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    double x(long atMs) {
        return LEFT + (double) (atMs - fromMs) / (toMs - fromMs) * (RIGHT - LEFT);
    }

    double y(double value) {
        return BOTTOM - value / axis.divisor() / axis.top() * (BOTTOM - TOP);
    }

    String lines(List<Line> lines) {
        StringBuilder svg = frame();
        for (int i = 0; i < lines.size(); i++) {
            String colour = COLOURS[i % COLOURS.length];
            for (List<Point> run : lines.get(i).runs()) {
                List<String> points = new ArrayList<>();
                run.forEach(p -> points.add(f(x(p.atMs())) + "," + f(y(p.value()))));
                svg.append("<polyline class=\"")
                        .append(escape(lines.get(i).name()))
                        .append("\" fill=\"none\" stroke=\"")
                        .append(colour)
                        .append("\" stroke-width=\"1.5\" points=\"")
                        .append(String.join(" ", points))
                        .append("\"/>\n");
            }
            legend(svg, i, lines.get(i).name(), colour);
        }
        return svg.append("</svg>\n").toString();
    }

    String bars(String name, List<Bar> bars) {
        StringBuilder svg = frame();
        for (Bar b : bars) {
            double x0 = x(b.startMs());
            double width = Math.max(2, x(b.endMs()) - x0);
            double top = y(b.value());
            svg.append("<rect class=\"")
                    .append(escape(name))
                    .append("\" x=\"")
                    .append(f(x0))
                    .append("\" y=\"")
                    .append(f(top))
                    .append("\" width=\"")
                    .append(f(width))
                    .append("\" height=\"")
                    .append(f(BOTTOM - top))
                    .append("\" fill=\"")
                    .append(COLOURS[0])
                    .append("\"/>\n");
        }
        legend(svg, 0, name, COLOURS[0]);
        return svg.append("</svg>\n").toString();
    }

    private StringBuilder frame() {
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
                .append("<text x=\"")
                .append(WIDTH / 2)
                .append("\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">")
                .append(escape(title))
                .append("</text>\n");
        // value axis: five ticks from 0 to its top, with grid lines
        for (int k = 0; k <= 4; k++) {
            double v = axis.top() * k / 4;
            double yy = BOTTOM - (BOTTOM - TOP) * k / 4.0;
            svg.append("<line x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(RIGHT)
                    .append("\" y1=\"")
                    .append(f(yy))
                    .append("\" y2=\"")
                    .append(f(yy))
                    .append("\" stroke=\"#ddd\"/>\n")
                    .append("<text x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(f(yy + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(tick(v))
                    .append("</text>\n");
        }
        svg.append("<text transform=\"translate(18,")
                .append((TOP + BOTTOM) / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">")
                .append(escape(axis.quantity() + " (" + axis.unit() + ")"))
                .append("</text>\n");
        // time axis: five ticks across the range
        DateTimeFormatter format = DateTimeFormatter.ofPattern(
                        toMs - fromMs > 2 * 86_400_000L ? "yyyy-MM-dd" : "MM-dd HH:mm", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        for (int k = 0; k <= 4; k++) {
            long at = fromMs + (toMs - fromMs) * k / 4;
            double xx = x(at);
            svg.append("<line x1=\"")
                    .append(f(xx))
                    .append("\" x2=\"")
                    .append(f(xx))
                    .append("\" y1=\"")
                    .append(BOTTOM)
                    .append("\" y2=\"")
                    .append(BOTTOM + 5)
                    .append("\" stroke=\"black\"/>\n")
                    .append("<text x=\"")
                    .append(f(xx))
                    .append("\" y=\"")
                    .append(BOTTOM + 18)
                    .append("\" text-anchor=\"middle\">")
                    .append(format.format(Instant.ofEpochMilli(at)))
                    .append("</text>\n");
        }
        svg.append("<text x=\"")
                .append((LEFT + RIGHT) / 2)
                .append("\" y=\"")
                .append(BOTTOM + 40)
                .append("\" text-anchor=\"middle\">time (UTC)</text>\n")
                .append("<line x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(RIGHT)
                .append("\" y1=\"")
                .append(BOTTOM)
                .append("\" y2=\"")
                .append(BOTTOM)
                .append("\" stroke=\"black\"/>\n")
                .append("<line x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(LEFT)
                .append("\" y1=\"")
                .append(TOP)
                .append("\" y2=\"")
                .append(BOTTOM)
                .append("\" stroke=\"black\"/>\n");
        return svg;
    }

    private static void legend(StringBuilder svg, int i, String name, String colour) {
        int x = LEFT + 10 + i * 120;
        int y = HEIGHT - 14;
        svg.append("<rect x=\"")
                .append(x)
                .append("\" y=\"")
                .append(y - 9)
                .append("\" width=\"12\" height=\"10\" fill=\"")
                .append(colour)
                .append("\"/>\n<text x=\"")
                .append(x + 16)
                .append("\" y=\"")
                .append(y)
                .append("\">")
                .append(escape(name))
                .append("</text>\n");
    }

    private static String tick(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** Coordinates to a tenth of a pixel, always with a dot. */
    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Text that came from the engine or the command line, made safe inside XML. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 ? '?' : c);
            }
        }
        return out.toString();
    }
}
