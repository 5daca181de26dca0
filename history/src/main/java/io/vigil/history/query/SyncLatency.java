package io.vigil.history.query;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sync-latency answer: per step, the figures' quantiles, oldest step first; a step with no
 * sample is absent. {@code cluster} is the one asked, or the one the rows came from.
 *
 * <p>{@code rollup} is the resolution of the rollups read for the steps before {@code rawFromMs}.
 * Those steps' quantiles are quantiles of the rollup buckets' quantiles (the step's p99 is the p99
 * of its buckets' p99s): an approximation, close when the buckets hold similar counts, which a
 * spike shorter than a bucket can escape. Their max and counts are exact. The steps from
 * {@code rawFromMs} on are computed from the raw rows, exactly.
 */
public record SyncLatency(
        Optional<String> cluster,
        String resource,
        Optional<String> peer,
        TimeRange range,
        Duration step,
        Optional<Duration> rollup,
        long rawFromMs,
        List<LatencyStep> steps) {
    public SyncLatency {
        steps = List.copyOf(steps);
    }
}
