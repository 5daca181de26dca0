package io.vigil.app;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One failover as `vigil bench failover` recorded it: the fault, the agent's first event showing
 * it, the saga's start, each action the saga issued before every VM ran on the survivor (when the
 * engine issued it, when its result was published, how long the executor's tool ran), and the
 * moment every VM ran there. {@link #shares} splits the time between Vigil and the tools.
 */
record FailoverTimeline(
        Instant fault, Optional<Instant> failureEvent, Instant sagaStart, List<Step> steps, Instant allMoved) {
    FailoverTimeline {
        steps = List.copyOf(steps);
    }

    /** One action: issued by the engine (its audit entry), its result published by the executor after its tool ran {@code toolSeconds}. */
    record Step(String actionId, Instant issued, Instant resultAt, double toolSeconds) {
        /** When the executor began it: its result's time less the tool's. */
        Instant began() {
            return resultAt.minusNanos(Math.round(toolSeconds * 1e9));
        }
    }

    /**
     * Where the time went. Vigil's own share: detection (fault to saga start), decision (saga
     * start to the first action), delivery (each step's action from the engine to its executor)
     * and results back (a step's result to the next step's action). The tools' share: what the
     * executor's commands took. Along the critical path: actions issued together (one decision,
     * e.g. both nodes allow two primaries) count once, by the one whose result came last.
     */
    record Shares(
            Duration total,
            Duration detection,
            Optional<Duration> toEvent,
            Duration decision,
            Duration delivery,
            Duration resultsBack,
            Duration tools) {
        Duration vigil() {
            return detection.plus(decision).plus(delivery).plus(resultsBack);
        }
    }

    Shares shares() {
        List<List<Step>> batches = steps.stream()
                .filter(s -> s.issued().isBefore(allMoved))
                .collect(Collectors.groupingBy(Step::issued, TreeMap::new, Collectors.toList()))
                .values()
                .stream()
                .toList();
        Duration delivery = Duration.ZERO;
        Duration tools = Duration.ZERO;
        Duration back = Duration.ZERO;
        Optional<Instant> previousEnd = Optional.empty();
        for (List<Step> batch : batches) {
            Step last = batch.stream().max(Comparator.comparing(Step::resultAt)).orElseThrow();
            Instant issued = last.issued();
            if (previousEnd.isPresent()) {
                back = back.plus(nonNegative(Duration.between(previousEnd.get(), issued)));
            }
            delivery = delivery.plus(nonNegative(Duration.between(issued, last.began())));
            tools = tools.plus(Duration.ofNanos(Math.round(last.toolSeconds() * 1e9)));
            previousEnd = Optional.of(last.resultAt());
        }
        Instant firstIssued =
                batches.isEmpty() ? sagaStart : batches.get(0).get(0).issued();
        return new Shares(
                Duration.between(fault, allMoved),
                Duration.between(fault, sagaStart),
                failureEvent.map(e -> Duration.between(fault, e)),
                Duration.between(sagaStart, firstIssued),
                delivery,
                back,
                tools);
    }

    /** Clocks of one JVM, but a result published within a millisecond of its action's issue may read as a hair before it. */
    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
