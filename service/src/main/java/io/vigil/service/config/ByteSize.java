package io.vigil.service.config;

import io.vigil.events.Name;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as operators write them: plain bytes ("1048576"), binary units ("64MiB", "1GiB") or
 * decimal ones ("500MB"), as disks are sold. Shared by the config and the command line.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L),
            Map.entry("B", 1L),
            Map.entry("KiB", 1L << 10),
            Map.entry("MiB", 1L << 20),
            Map.entry("GiB", 1L << 30),
            Map.entry("TiB", 1L << 40),
            Map.entry("kB", 1_000L),
            Map.entry("KB", 1_000L),
            Map.entry("MB", 1_000_000L),
            Map.entry("GB", 1_000_000_000L),
            Map.entry("TB", 1_000_000_000_000L));
    private static final String[] BINARY = {"TiB", "GiB", "MiB", "KiB"};
    private static final String[] HUMAN = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSize() {}

    /** Reads "64MiB" to bytes; throws IllegalArgumentException whose message can follow "key: ". */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no size given (use 64MiB, 1GiB or plain bytes)");
        }
        Matcher m = SIZE.matcher(text.trim());
        Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException(
                    "'" + Name.printable(text) + "' is not a size (use 64MiB, 1GiB or plain bytes)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "' is too large a size");
        }
    }

    /** The largest binary unit that states {@code bytes} exactly ("64MiB", "1536KiB", "100"). */
    public static String format(long bytes) {
        for (String unit : BINARY) {
            long size = UNITS.get(unit);
            if (bytes != 0 && bytes % size == 0) {
                return bytes / size + unit;
            }
        }
        return Long.toString(bytes);
    }

    /**
     * "1.5 GiB": bytes as people read them, to one decimal of the largest binary unit that leaves at
     * least 1, and under 1 KiB the bytes themselves ("512 B", "512.5 B"); a negative keeps its sign,
     * NaN and infinities are written as they are. The lab's screen, the rules' {@code humanizeBytes}
     * and {@code vigil history} all write bytes this way.
     */
    public static String human(double bytes) {
        if (!Double.isFinite(bytes)) {
            return String.valueOf(bytes);
        }
        double value = Math.abs(bytes);
        int unit = 0;
        // the unit is chosen on the value as it will be written: 1023.97 KiB reads 1.0 MiB, not 1024.0 KiB
        while (unit < HUMAN.length - 1 && written(value, unit) >= 1024) {
            value /= 1024;
            unit++;
        }
        String sign = bytes < 0 ? "-" : "";
        if (unit > 0) {
            return String.format(Locale.ROOT, "%s%.1f %s", sign, value, HUMAN[unit]);
        }
        if (value == Math.rint(value)) {
            return sign + (long) value + " B";
        }
        return sign
                + String.format(Locale.ROOT, "%.2f", value)
                        .replaceAll("0+$", "")
                        .replaceAll("\\.$", "") + " B";
    }

    /** {@code value} rounded as {@link #human} writes it in {@code unit}: bytes to two decimals, the others to one. */
    private static double written(double value, int unit) {
        double scale = unit == 0 ? 100 : 10;
        return Math.round(value * scale) / scale;
    }
}
