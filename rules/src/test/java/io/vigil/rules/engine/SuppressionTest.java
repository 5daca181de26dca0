package io.vigil.rules.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.LabelMatcher;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.rule.InhibitRule;
import io.vigil.rules.rule.RuleSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuppressionTest {
    private static final Instant T = Instant.parse("2026-12-01T03:00:00Z");

    private static TrackedAlert firing(String alertname, String node, String severity) {
        Map<String, String> labels = Map.of("alertname", alertname, "cluster", "pair-1", "node", node, "severity", severity);
        return new TrackedAlert(alertname, AlertLabels.fingerprint(labels), labels, Map.of(), AlertState.FIRING, 1, T,
                Optional.of(T), Optional.empty(), Optional.empty(), Optional.of(T), false, false, 0, 0, List.of(), List.of(), Optional.empty());
    }

    private static InhibitRule rule(String source, String target, String... equal) {
        List<String> eq = new java.util.ArrayList<>(List.of(equal));
        eq.add("cluster");
        return new InhibitRule(List.of(LabelMatcher.parse(source)), List.of(LabelMatcher.parse(target)), eq, new RuleSource("t", 1));
    }

    @Test
    void aSourceInhibitsTargetsWithTheSameEqualLabelsOnly() {
        Suppression s = new Suppression(List::of, List.of(rule("alertname=NodeSilent", "alertname!=NodeSilent", "node")));
        TrackedAlert silentA = firing("NodeSilent", "node-a", "critical");
        TrackedAlert diskA = firing("DiskSmartFailing", "node-a", "critical");
        TrackedAlert diskB = firing("DiskSmartFailing", "node-b", "critical");
        List<TrackedAlert> all = List.of(silentA, diskA, diskB);
        assertEquals(List.of(silentA.fingerprint()), s.inhibitedBy(diskA, all));
        assertEquals(List.of(), s.inhibitedBy(diskB, all), "another node's alert");
        assertEquals(List.of(), s.inhibitedBy(silentA, all), "the source itself");
    }

    @Test
    void alertsMatchingBothSidesDoNotMuteEachOther() {
        // Alertmanager's rule: critical inhibits warning... and an alert matching both sides is not muted by its peers
        Suppression s = new Suppression(List::of, List.of(rule("severity=~\"critical|warning\"", "severity=~\"critical|warning\"", "node")));
        TrackedAlert a = firing("A", "node-a", "critical");
        TrackedAlert b = firing("B", "node-a", "warning");
        assertEquals(List.of(), s.inhibitedBy(a, List.of(a, b)));
        assertEquals(List.of(), s.inhibitedBy(b, List.of(a, b)));
    }
}
