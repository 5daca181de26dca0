package io.vigil.history.query;

import io.vigil.history.HistoryConfig;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * What the history keeps, as far as the queries need it: raw samples for {@code raw}, and the
 * rollup resolutions it writes. The queries read raw rows where they still exist and the step is
 * fine, and rollups for the rest.
 */
public record StoredResolutions(Duration raw, List<Duration> rollups) {
    /** The example: raw for 14 days, one-minute and hourly rollups. */
    public static final StoredResolutions DEFAULT =
            new StoredResolutions(Duration.ofDays(14), List.of(Duration.ofMinutes(1), Duration.ofHours(1)));

    /** What a history kept with {@code retention} holds: its raw samples, and the one-minute and hourly rollups it writes. */
    public static StoredResolutions of(HistoryConfig.Retention retention) {
        return new StoredResolutions(retention.raw(), List.of(Duration.ofMinutes(1), Duration.ofHours(1)));
    }

    public StoredResolutions {
        rollups = rollups.stream().sorted(Comparator.naturalOrder()).toList();
    }
}
