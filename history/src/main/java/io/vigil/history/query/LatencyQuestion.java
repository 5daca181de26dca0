package io.vigil.history.query;

import java.time.Duration;
import java.util.Optional;

/** What the sync-latency question asks: one resource (of one cluster, when named; towards one peer, when named), a range, a step. */
public record LatencyQuestion(
        Optional<String> cluster, String resource, Optional<String> peer, TimeRange range, Duration step) {
    /** More steps than this is refused before anything is read: a plot is a few hundred points wide. */
    public static final int MAX_STEPS = 2_000;

    public LatencyQuestion {
        cluster.ifPresent(c -> QueryRefused.name("cluster", c));
        QueryRefused.name("resource", resource);
        peer.ifPresent(p -> QueryRefused.name("peer", p));
        if (step.toMillis() < 1_000) {
            throw new QueryRefused(
                    "step", "is " + step.toMillis() + " ms; at least 1s (the agents sample every few seconds)");
        }
        long steps = (range.millis() + step.toMillis() - 1) / step.toMillis();
        if (steps > MAX_STEPS) {
            throw new QueryRefused(
                    "step",
                    "the range holds " + steps + " steps of " + io.vigil.service.config.DurationText.format(step)
                            + ", more than " + MAX_STEPS + ": widen the step or narrow the range");
        }
    }
}
