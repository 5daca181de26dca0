package io.vigil.history.query;

import java.time.Instant;

/** The span a question covers, from inclusive to exclusive, in epoch milliseconds (as the tables keep time). */
public record TimeRange(long fromMs, long toMs) {
    public TimeRange {
        if (fromMs >= toMs) {
            throw new QueryRefused(
                    "from",
                    "is not before to (" + Instant.ofEpochMilli(fromMs) + " >= " + Instant.ofEpochMilli(toMs) + ")");
        }
    }

    public static TimeRange of(Instant from, Instant to) {
        return new TimeRange(from.toEpochMilli(), to.toEpochMilli());
    }

    public long millis() {
        return toMs - fromMs;
    }
}
