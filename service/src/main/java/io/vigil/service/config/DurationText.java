package io.vigil.service.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Prometheus writes them: a number and a unit, largest unit first, each unit at most
 * once ("500ms", "10s", "1m30s", "2h", "1d"). Used by the agent's config and by the command line
 * ("--duration 30s"), so operators write durations one way everywhere.
 */
public final class DurationText {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
    // in descending order, as Prometheus demands
    private static final String[] UNITS = {"w", "d", "h", "m", "s", "ms"};
    private static final long[] MILLIS = {7L * 24 * 3_600_000, 24L * 3_600_000, 3_600_000, 60_000, 1_000, 1};

    private DurationText() {}

    /** Reads "1m30s"; throws IllegalArgumentException whose message can follow "key: ". */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no duration given (use 500ms, 10s, 1m)");
        }
        String trimmed = text.trim();
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(trimmed).matches()) {
            throw notADuration(text, "use 500ms, 10s, 1m");
        }
        Matcher part = PART.matcher(trimmed);
        long total = 0;
        int lastUnit = -1;
        while (part.find()) {
            int unit = unitIndex(part.group(2));
            if (unit <= lastUnit) {
                throw notADuration(text, "units largest first, each once, as in 1m30s");
            }
            lastUnit = unit;
            try {
                total = Math.addExact(total, Math.multiplyExact(Long.parseLong(part.group(1)), MILLIS[unit]));
            } catch (ArithmeticException | NumberFormatException e) {
                throw notADuration(text, "too long");
            }
        }
        return Duration.ofMillis(total);
    }

    /** The shortest text {@link #parse} reads back to the same duration (millisecond precision). */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder(millis < 0 ? "-" : "");
        long rest = Math.abs(millis);
        for (int i = 0; i < UNITS.length; i++) {
            long n = rest / MILLIS[i];
            if (n > 0) {
                out.append(n).append(UNITS[i]);
                rest -= n * MILLIS[i];
            }
        }
        return out.toString();
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        throw new IllegalStateException(unit);
    }

    private static IllegalArgumentException notADuration(String text, String advice) {
        return new IllegalArgumentException(
                "'" + io.vigil.events.Name.printable(text) + "' is not a duration (" + advice + ")");
    }
}
