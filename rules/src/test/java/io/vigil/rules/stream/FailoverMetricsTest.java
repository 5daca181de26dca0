package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.events.Action;
import io.vigil.events.ActionType;
import io.vigil.rules.failover.FailoverOutput;
import io.vigil.rules.failover.FailoverWay;
import io.vigil.rules.failover.Saga;
import io.vigil.rules.failover.SagaChange;
import io.vigil.rules.failover.SagaPhase;
import io.vigil.rules.failover.SagaStep;
import io.vigil.rules.failover.SagaStep.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The failover's meters, fed the outputs a saga's life produces. */
class FailoverMetricsTest {
    private static final Instant T0 = Instant.parse("2026-12-04T21:03:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FailoverMetrics metrics = new FailoverMetrics(registry);

    private static Saga saga(SagaPhase phase, List<SagaStep> steps, List<Saga.PhaseVisit> history) {
        Map<String, SagaStep> byName = new LinkedHashMap<>();
        steps.forEach(s -> byName.put(s.name(), s));
        return new Saga(
                "pair-1:r0:1",
                "pair-1",
                "r0",
                1,
                FailoverWay.HOST_LOST,
                "node-a",
                "node-b",
                phase,
                T0,
                history.get(history.size() - 1).at(),
                "node-a is silent",
                List.of(),
                false,
                false,
                false,
                byName,
                List.of("vm1"),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                history);
    }

    private static SagaStep step(int attempt, StepStatus status) {
        return new SagaStep(
                "fence:node-a",
                "node-b",
                ActionType.FENCE,
                "pair-1:r0:1:fence:node-a:" + attempt,
                attempt,
                status,
                T0,
                T0.plusSeconds(60),
                status == StepStatus.SENT ? Optional.empty() : Optional.of(0),
                "");
    }

    private static List<Saga.PhaseVisit> visits(Object... phaseAndSecond) {
        List<Saga.PhaseVisit> visits = new ArrayList<>();
        for (int i = 0; i < phaseAndSecond.length; i += 2) {
            visits.add(new Saga.PhaseVisit(
                    (SagaPhase) phaseAndSecond[i], T0.plusSeconds((Integer) phaseAndSecond[i + 1])));
        }
        return visits;
    }

    private static FailoverOutput changed(Optional<Saga> before, Saga after, Action... sent) {
        return new FailoverOutput(List.of(sent), List.of(), List.of(), List.of(new SagaChange(before, after)));
    }

    private double phase(String phase) {
        return registry.get("vigil_failover_phase")
                .tags("cluster", "pair-1", "resource", "r0", "phase", phase)
                .gauge()
                .value();
    }

    private double actions(String outcome) {
        var counter = registry.find("vigil_failover_actions")
                .tags("type", "fence", "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void countsActionsAndTheirEndsOnceEachAndShowsThePhaseOfEachResource() {
        metrics.holding("pair-1", "r0", Optional.empty());
        assertEquals(1, phase("Healthy"));
        assertEquals(0, phase("Fencing"));

        Saga degraded = saga(SagaPhase.DEGRADED, List.of(), visits(SagaPhase.DEGRADED, 0));
        metrics.record(changed(Optional.empty(), degraded));
        assertEquals(1, phase("Degraded"));
        assertEquals(0, phase("Healthy"));

        Saga fencing = saga(
                SagaPhase.FENCING,
                List.of(step(1, StepStatus.SENT)),
                visits(SagaPhase.DEGRADED, 0, SagaPhase.FENCING, 1));
        Action fence = new Action(
                "pair-1:r0:1:fence:node-a:1",
                "pair-1:r0:1",
                "pair-1",
                "node-b",
                ActionType.FENCE,
                Optional.of("r0"),
                Optional.empty(),
                Optional.of("node-a"),
                Optional.empty(),
                T0,
                T0.plusSeconds(60));
        metrics.record(changed(Optional.of(degraded), fencing, fence));
        assertEquals(1, actions("sent"));
        assertEquals(1, phase("Fencing"));
        assertEquals(0, phase("Degraded"));

        // no result in time: the saga gives up on attempt 1 and sends attempt 2 in the same input
        Saga retried = saga(SagaPhase.FENCING, List.of(step(2, StepStatus.SENT)), fencing.history());
        metrics.record(changed(Optional.of(fencing), retried));
        assertEquals(1, actions("timed-out"));

        Saga fenced = saga(SagaPhase.FENCING, List.of(step(2, StepStatus.SUCCEEDED)), fencing.history());
        metrics.record(changed(Optional.of(retried), fenced));
        metrics.record(changed(Optional.of(fenced), fenced));
        assertEquals(1, actions("succeeded"), "a step's end counts once, however often the saga is stored after it");
        assertEquals(0, actions("failed"));
    }

    @Test
    void timesTheFailoverToFailedOverAndCountsTheSagaWhenItEnds() {
        Saga starting = saga(SagaPhase.STARTING, List.of(), visits(SagaPhase.DEGRADED, 0, SagaPhase.STARTING, 30));
        Saga failedOver = saga(
                SagaPhase.FAILED_OVER,
                List.of(),
                visits(SagaPhase.DEGRADED, 0, SagaPhase.STARTING, 30, SagaPhase.FAILED_OVER, 90));
        metrics.record(changed(Optional.of(starting), failedOver));
        metrics.record(changed(Optional.of(failedOver), failedOver));
        var timer = registry.get("vigil_failover_duration").timer();
        assertEquals(1, timer.count());
        assertEquals(90, timer.totalTime(TimeUnit.SECONDS), 0.001);

        Saga home = saga(
                SagaPhase.HEALTHY,
                List.of(),
                visits(
                        SagaPhase.DEGRADED,
                        0,
                        SagaPhase.STARTING,
                        30,
                        SagaPhase.FAILED_OVER,
                        90,
                        SagaPhase.FAILING_BACK,
                        600,
                        SagaPhase.HEALTHY,
                        700));
        metrics.record(changed(Optional.of(failedOver), home));
        metrics.record(changed(Optional.of(home), home));
        assertEquals(
                1,
                registry.get("vigil_failover_sagas")
                        .tags("way", "host-lost", "outcome", "failed-back")
                        .counter()
                        .count());
        assertEquals(1, phase("Healthy"));
        assertEquals(0, phase("FailedOver"));

        Saga cleared = saga(SagaPhase.HEALTHY, List.of(), visits(SagaPhase.DEGRADED, 0, SagaPhase.HEALTHY, 5));
        metrics.record(changed(Optional.empty(), cleared));
        assertEquals(
                1,
                registry.get("vigil_failover_sagas")
                        .tags("way", "host-lost", "outcome", "cleared")
                        .counter()
                        .count());
    }

    @Test
    void aSagaThatComesBackToFailedOverIsTimedOnceToItsFirstArrival() {
        Saga failedOver =
                saga(SagaPhase.FAILED_OVER, List.of(), visits(SagaPhase.DEGRADED, 0, SagaPhase.FAILED_OVER, 90));
        metrics.record(changed(Optional.empty(), failedOver));
        Saga resyncing = saga(
                SagaPhase.RESYNCING,
                List.of(),
                visits(SagaPhase.DEGRADED, 0, SagaPhase.FAILED_OVER, 90, SagaPhase.RESYNCING, 200));
        metrics.record(changed(Optional.of(failedOver), resyncing));
        Saga again = saga(
                SagaPhase.FAILED_OVER,
                List.of(),
                visits(
                        SagaPhase.DEGRADED,
                        0,
                        SagaPhase.FAILED_OVER,
                        90,
                        SagaPhase.RESYNCING,
                        200,
                        SagaPhase.FAILED_OVER,
                        300));
        metrics.record(changed(Optional.of(resyncing), again));
        var timer = registry.get("vigil_failover_duration").timer();
        assertEquals(1, timer.count(), "one failover, one duration");
        assertEquals(90, timer.totalTime(TimeUnit.SECONDS), 0.001);
    }

    @Test
    void aResourceGivenUpToAnotherInstanceTakesItsGaugesAlong() {
        metrics.holding(
                "pair-1",
                "r0",
                Optional.of(saga(SagaPhase.HELD, List.of(), visits(SagaPhase.DEGRADED, 0, SagaPhase.HELD, 2))));
        assertEquals(1, phase("Held"), "a saga restored from the store shows its phase, not Healthy");
        metrics.released("pair-1", "r0");
        assertNull(
                registry.find("vigil_failover_phase").tags("cluster", "pair-1").gauge());
    }
}
