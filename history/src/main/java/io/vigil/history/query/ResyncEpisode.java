package io.vigil.history.query;

import java.util.Optional;

/**
 * One resync episode as recorded: a volume resynced from {@code sourceNode} to {@code targetNode}.
 * {@code durationMs} runs to its end, or, while it runs, to the moment it was read.
 */
public record ResyncEpisode(
        String episodeId,
        String cluster,
        String resource,
        int volume,
        String sourceNode,
        String targetNode,
        String observedBy,
        long startedMs,
        Optional<Long> endedMs,
        long durationMs,
        Optional<Long> startOutOfSyncBytes,
        Optional<Long> bytes,
        Optional<Double> meanRateBytesPerSecond,
        Optional<Double> peakRateBytesPerSecond,
        String cause,
        String outcome) {}
