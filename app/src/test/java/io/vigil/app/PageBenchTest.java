package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Alert;
import io.vigil.events.EventRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The page bench's figures: an incident whose alert record was not read back counts in the total, not in the stages. */
class PageBenchTest {
    @Test
    void incidentsWithoutAnAlertRecordAreCountedAndLeftOutOfTheStages() {
        Instant failed = Instant.parse("2026-01-01T00:00:00Z");
        Alert alert = NotifyCommand.Test.testAlert(failed.plusMillis(150));
        alert = withCause(alert, failed.plusMillis(20));
        PageBench.Incident recorded = PageBench.Incident.of(
                failed.toEpochMilli(), failed.plusMillis(400).toEpochMilli(), Optional.of(alert));
        assertEquals(Optional.of(new PageBench.Stages(20, 130, 250)), recorded.stages());
        PageBench.Incident unrecorded = PageBench.Incident.of(
                failed.toEpochMilli(), failed.plusMillis(900).toEpochMilli(), Optional.empty());
        assertEquals(Optional.empty(), unrecorded.stages());

        String report = PageBench.report(List.of(recorded, unrecorded));
        assertTrue(report.contains("page at the receiver:      p50 400 ms, p99 900 ms, max 900 ms (n=2)"), report);
        assertTrue(report.contains("1 of 2 incidents without an alert record read back"), report);
        assertTrue(
                report.contains("failure to the agent's event (its timestamp): p50 20 ms, p99 20 ms, max 20 ms (n=1)"),
                report);
        assertTrue(report.contains("event to alert (the engine's sentAt):         p50 130 ms"), report);
        assertTrue(report.contains("alert to receiver (the notifier):             p50 250 ms"), report);
    }

    @Test
    void theComparisonPrintsBothWaysAndHowManyTimesLongerPrometheussIs() {
        String printed = PageBench.comparison(
                "Prometheus (scrape 1m (default), evaluation 1m (default)), Alertmanager (default grouping)",
                List.of(300L, 500L, 400L),
                List.of(90_000L, 60_000L, 150_000L));
        assertTrue(
                printed.contains("Vigil (agent, Kafka, engine, notifier): p50 400 ms, p99 500 ms, max 500 ms (n=3)"),
                printed);
        assertTrue(
                printed.contains("Alertmanager (default grouping): p50 90000 ms, p99 150000 ms, max 150000 ms (n=3)"),
                printed);
        assertTrue(printed.contains("Prometheus's way / Vigil's: p50 225x, p99 300x"), printed);
    }

    private static Alert withCause(Alert a, Instant eventAt) {
        return new Alert(
                a.v(),
                a.fingerprint(),
                a.rule(),
                a.state(),
                a.version(),
                a.change(),
                a.labels(),
                a.annotations(),
                a.activeAt(),
                a.firedAt(),
                a.resolvedAt(),
                a.endsAt(),
                a.sentAt(),
                a.flapping(),
                a.failover(),
                a.silencedBy(),
                a.inhibitedBy(),
                Optional.of(new EventRef("pair-1", "node-a", 1, eventAt)));
    }
}
