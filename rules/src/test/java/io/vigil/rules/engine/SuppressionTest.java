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
        Map<String, String> labels =
                Map.of("alertname", alertname, "cluster", "pair-1", "node", node, "severity", severity);
        return new TrackedAlert(
                alertname,
                AlertLabels.fingerprint(labels),
                labels,
                Map.of(),
                AlertState.FIRING,
                1,
                T,
                Optional.of(T),
                Optional.empty(),
                Optional.empty(),
                Optional.of(T),
                false,
                false,
                0,
                0,
                List.of(),
                List.of(),
                Optional.empty());
    }

    private static InhibitRule rule(String source, String target, String... equal) {
        List<String> eq = new java.util.ArrayList<>(List.of(equal));
        eq.add("cluster");
        return new InhibitRule(
                List.of(LabelMatcher.parse(source)), List.of(LabelMatcher.parse(target)), eq, new RuleSource("t", 1));
    }

    @Test
    void aSourceInhibitsTargetsWithTheSameEqualLabelsOnly() {
        Suppression s =
                new Suppression(List::of, List.of(rule("alertname=NodeSilent", "alertname!=NodeSilent", "node")));
        TrackedAlert silentA = firing("NodeSilent", "node-a", "critical");
        TrackedAlert diskA = firing("DiskSmartFailing", "node-a", "critical");
        TrackedAlert diskB = firing("DiskSmartFailing", "node-b", "critical");
        List<TrackedAlert> all = List.of(silentA, diskA, diskB);
        assertEquals(List.of(silentA.fingerprint()), s.index(all).inhibiting(diskA));
        assertEquals(List.of(), s.index(all).inhibiting(diskB), "another node's alert");
        assertEquals(List.of(), s.index(all).inhibiting(silentA), "the source itself");
    }

    @Test
    void alertsMatchingBothSidesDoNotMuteEachOther() {
        // Alertmanager's rule: critical inhibits warning... and an alert matching both sides is not muted by its peers
        Suppression s = new Suppression(
                List::of, List.of(rule("severity=~\"critical|warning\"", "severity=~\"critical|warning\"", "node")));
        TrackedAlert a = firing("A", "node-a", "critical");
        TrackedAlert b = firing("B", "node-a", "warning");
        assertEquals(List.of(), s.index(List.of(a, b)).inhibiting(a));
        assertEquals(List.of(), s.index(List.of(a, b)).inhibiting(b));
    }

    @Test
    void aTargetListsAtMostAFewOfItsManySourcesTheFirstByFingerprint() {
        Suppression s = new Suppression(List::of, List.of(rule("severity=critical", "severity=warning")));
        List<TrackedAlert> firing = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            firing.add(firing("DiskSmartFailing", "node-" + i, "critical"));
        }
        TrackedAlert warning = firing("DiskTooHot", "node-a", "warning");
        firing.add(warning);
        List<String> expected = firing.stream()
                .filter(a -> a != warning)
                .map(TrackedAlert::fingerprint)
                .sorted()
                .limit(10)
                .toList();
        assertEquals(expected, s.index(firing).inhibiting(warning));
    }

    @Test
    void tenThousandSourcesEachMuteTheirOwnNodesTargetAmongTenThousand() {
        Suppression s =
                new Suppression(List::of, List.of(rule("alertname=NodeSilent", "alertname!=NodeSilent", "node")));
        List<TrackedAlert> sources = new java.util.ArrayList<>();
        List<TrackedAlert> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            sources.add(firing("NodeSilent", "node-" + i, "critical"));
            targets.add(firing("DiskSmartFailing", "node-" + i, "critical"));
        }
        List<TrackedAlert> all = new java.util.ArrayList<>(sources);
        all.addAll(targets);
        InhibitionIndex index = s.index(all);
        assertEquals(10_000, index.size(), "the sources; the targets inhibit nothing");
        for (int i = 0; i < 10_000; i++) {
            assertEquals(List.of(sources.get(i).fingerprint()), index.inhibiting(targets.get(i)), "node-" + i);
            assertEquals(List.of(), index.inhibiting(sources.get(i)));
        }
    }

    @Test
    void aSourceThatStopsFiringStopsInhibitingAndOneThatFiresAgainInhibitsAgain() {
        Suppression s =
                new Suppression(List::of, List.of(rule("alertname=NodeSilent", "alertname!=NodeSilent", "node")));
        TrackedAlert silentA = firing("NodeSilent", "node-a", "critical");
        TrackedAlert diskA = firing("DiskSmartFailing", "node-a", "critical");
        InhibitionIndex index = s.index(List.of(silentA, diskA));
        assertEquals(List.of(silentA.fingerprint()), index.inhibiting(diskA));
        index.update(inState(silentA, AlertState.RESOLVED));
        assertEquals(List.of(), index.inhibiting(diskA));
        assertEquals(0, index.size());
        index.update(silentA);
        index.update(silentA);
        assertEquals(List.of(silentA.fingerprint()), index.inhibiting(diskA));
        assertEquals(1, index.size(), "indexed once however often it is told");
        index.remove(silentA.fingerprint());
        assertEquals(List.of(), index.inhibiting(diskA));
    }

    @Test
    void anotherClustersSourceNeverInhibitsEvenWhenTheRuleForgetsTheCluster() {
        InhibitRule noCluster = new InhibitRule(
                List.of(LabelMatcher.parse("alertname=NodeSilent")),
                List.of(LabelMatcher.parse("alertname!=NodeSilent")),
                List.of("node"),
                new RuleSource("t", 1));
        Suppression s = new Suppression(List::of, List.of(noCluster));
        Map<String, String> labels =
                Map.of("alertname", "NodeSilent", "cluster", "pair-2", "node", "node-a", "severity", "critical");
        TrackedAlert otherCluster = new TrackedAlert(
                "NodeSilent",
                AlertLabels.fingerprint(labels),
                labels,
                Map.of(),
                AlertState.FIRING,
                1,
                T,
                Optional.of(T),
                Optional.empty(),
                Optional.empty(),
                Optional.of(T),
                false,
                false,
                0,
                0,
                List.of(),
                List.of(),
                Optional.empty());
        TrackedAlert diskA = firing("DiskSmartFailing", "node-a", "critical");
        assertEquals(List.of(), s.index(List.of(otherCluster, diskA)).inhibiting(diskA));
    }

    private static TrackedAlert inState(TrackedAlert a, AlertState state) {
        return new TrackedAlert(
                a.rule(),
                a.fingerprint(),
                a.labels(),
                a.annotations(),
                state,
                a.version(),
                a.activeAt(),
                a.firedAt(),
                Optional.of(T),
                Optional.empty(),
                a.lastSentAt(),
                false,
                false,
                0,
                0,
                List.of(),
                List.of(),
                Optional.empty());
    }
}
