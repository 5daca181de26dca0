package io.vigil.history.query;

import java.util.Map;
import java.util.Optional;

/**
 * One step of the sync-latency answer: its start, the samples in it, and each figure that had a
 * value in it (a figure the agents did not report in the step is absent, never 0).
 */
public record LatencyStep(long startMs, long samples, Map<LatencyFigure, Quantiles> figures) {
    public LatencyStep {
        figures = Map.copyOf(figures);
    }

    public Optional<Quantiles> figure(LatencyFigure figure) {
        return Optional.ofNullable(figures.get(figure));
    }
}
