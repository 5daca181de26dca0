package io.vigil.rules.cel;

import java.util.Locale;

/**
 * The functions annotation templates call to write numbers as people read them:
 * {@code humanizeDuration(5400.0)} is "1h30m". {@code humanizeBytes(3221225472)}, "3.0 GiB", is
 * {@link io.vigil.service.config.ByteSize#human}, as the lab and {@code vigil history} write bytes.
 */
final class Humanize {
    private Humanize() {}

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return String.valueOf(seconds);
        }
        if (seconds == 0) {
            return "0s";
        }
        if (Math.abs(seconds) < 1) {
            return number(seconds * 1000) + "ms";
        }
        long total = Math.round(Math.abs(seconds));
        StringBuilder out = new StringBuilder(seconds < 0 ? "-" : "");
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            long n = total / sizes[i];
            total %= sizes[i];
            if (n > 0) {
                out.append(n).append(units[i]);
            }
        }
        return out.toString();
    }

    /** A number without a needless ".0", with at most two decimals. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.2f", value);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
