package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverBenchTest {
    private static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");

    /** What Kafka carried in a run: the saga's audit entries and the executors' results, an earlier saga's entry and an action after the move among them. */
    @Test
    void theTimelineIsReadFromTheAuditTrailAndTheResultsOfTheSagaThatBeganAfterTheFault() {
        List<AuditEntry> audit = List.of(
                entry("pair-1:r0:1", -5_000, AuditKind.DECISION, Optional.empty()),
                entry("pair-1:r0:2", 60, AuditKind.DECISION, Optional.empty()),
                entry("pair-1:r0:2", 60, AuditKind.ACTION, Optional.of("pair-1:r0:2:promote:node-b:1")),
                entry("pair-1:r0:2", 200, AuditKind.ACTION, Optional.of("pair-1:r0:2:migrate:web:1")),
                entry("pair-1:r0:2", 900, AuditKind.ACTION, Optional.of("pair-1:r0:2:demote:node-a:1")));
        List<Envelope> telemetry = List.of(
                result("node-b", 150, "pair-1:r0:2:promote:node-b:1", 0.010),
                result("node-a", 850, "pair-1:r0:2:migrate:web:1", 0.400));
        FailoverTimeline timeline = FailoverBench.timeline(T0, T0.plusMillis(800), audit, telemetry);
        assertEquals(T0.plusMillis(60), timeline.sagaStart(), "the saga begun after the fault, not the earlier one");
        assertEquals(
                List.of("pair-1:r0:2:promote:node-b:1", "pair-1:r0:2:migrate:web:1"),
                timeline.steps().stream().map(FailoverTimeline.Step::actionId).toList(),
                "the demotion came after the move");
        assertEquals(Duration.ofMillis(410), timeline.shares().tools());
    }

    @Test
    void theReportCountsTheRunsNotMeasuredAndEveryRestart() {
        FailoverTimeline t =
                new FailoverTimeline(T0, Optional.empty(), T0.plusMillis(100), List.of(), T0.plusMillis(700));
        String report = FailoverBench.report(List.of(
                new FailoverBench.Run(Optional.of(t), 0, ""),
                new FailoverBench.Run(Optional.of(t), 1, ""),
                new FailoverBench.Run(Optional.empty(), 0, "waited in vain")));
        assertTrue(report.contains("1 of 3 runs not measured"), report);
        assertTrue(
                report.contains(
                        "fault -> every VM of r0 running on node-b:      p50 700 ms, p99 700 ms, max 700 ms (n=2)"),
                report);
        assertTrue(report.contains("Vigil's share:                                  p50 100 ms"), report);
        assertTrue(report.contains("VM restarts: 1 in all"), report);
    }

    private static AuditEntry entry(String saga, long atMillis, AuditKind kind, Optional<String> actionId) {
        return new AuditEntry(
                "pair-1", saga, "r0", T0.plusMillis(atMillis), kind, "Evacuating", "text", List.of(), actionId);
    }

    private static Envelope result(String node, long atMillis, String actionId, double seconds) {
        return Envelope.of(
                "pair-1",
                node,
                atMillis,
                T0.plusMillis(atMillis),
                new ActionResult(actionId, ActionOutcome.SUCCEEDED, Optional.of(0), "", seconds));
    }
}
