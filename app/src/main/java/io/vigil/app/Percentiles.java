package io.vigil.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the benches summarise a latency: p50, p99, max and the number of samples, in milliseconds. */
final class Percentiles {
    private Percentiles() {}

    /** "p50 12 ms, p99 40 ms, max 52 ms (n=20)", or "no samples". */
    static String of(List<Long> millis) {
        if (millis.isEmpty()) {
            return "no samples";
        }
        List<Long> sorted = sorted(millis);
        return String.format(
                Locale.ROOT,
                "p50 %d ms, p99 %d ms, max %d ms (n=%d)",
                at(sorted, 0.50),
                at(sorted, 0.99),
                sorted.get(sorted.size() - 1),
                sorted.size());
    }

    /** "p50 1.23 ms, p99 40.50 ms, max 52.00 ms (n=20)" from samples in microseconds, for what takes less than a millisecond. */
    static String ofMicros(List<Long> micros) {
        if (micros.isEmpty()) {
            return "no samples";
        }
        List<Long> sorted = sorted(micros);
        return String.format(
                Locale.ROOT,
                "p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)",
                at(sorted, 0.50) / 1000.0,
                at(sorted, 0.99) / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0,
                sorted.size());
    }

    /** The sample at quantile Q (nearest rank) of at least one sample. */
    static long at(List<Long> millis, double q) {
        List<Long> sorted = sorted(millis);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static List<Long> sorted(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return sorted;
    }
}
