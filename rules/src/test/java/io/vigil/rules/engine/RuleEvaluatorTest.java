package io.vigil.rules.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.Body;
import io.vigil.events.Envelope;
import io.vigil.events.LabelMatcher;
import io.vigil.events.LvmReport;
import io.vigil.events.Silence;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.rules.rule.EventRule;
import io.vigil.rules.rule.Rule;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RuleEvaluatorTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private static final String RULES =
            """
            rules:
              - alert: DrbdLocalDiskLost
                on: drbd
                each: body.devices
                when: body.role == "Primary" && it.disk in ["Failed", "Diskless"]
                severity: critical
                labels: {volume: "{{it.volume}}"}
                annotations: {summary: "{{node}} lost the disk under {{body.resource}}"}
                failover: true
              - alert: DrbdDisconnected
                on: drbd
                when: body.connections.exists(c, c.connection != "Connected")
                for: 10s
                severity: warning
              - alert: DiskTooHot
                on: disk
                when: body.temperatureCelsius > 60
                severity: warning
                labels: {team: "{{has(labels.team) ? labels.team : ''}}"}
              - alert: DiskNeedsRate
                on: disk
                when: body.nosuch > 1
                severity: info
              - alert: VgFull
                on: lvm
                each: body.volumeGroups
                when: it.freeBytes == 0
                severity: warning
                labels: {vg_size: "{{humanizeBytes(it.sizeBytes)}}"}
                annotations: {summary: "{{it.name}} is full"}
              - alert: NodeSilent
                absent: heartbeat
                for: 15s
                severity: critical
                annotations: {summary: "{{node}} silent for {{humanizeDuration(absent_for)}}, ever seen {{ever_seen}}"}
            inhibit:
              - source_matchers: ['alertname="NodeSilent"']
                target_matchers: ['alertname!="NodeSilent"']
                equal: [node]
            """.replace("body.nosuch > 1", "has(body.mediaErrors) || body.percentageUsed > 1");
    private static final EngineTiming TIMING = new EngineTiming(
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofMinutes(4),
            Duration.ofSeconds(10),
            Duration.ofHours(1),
            Duration.ofMinutes(15));

    private final EngineTables tables = EngineTables.inMemory();
    private final List<Silence> silences = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private EngineLimits limits = EngineLimits.DEFAULTS;
    private final AtomicLong seq = new AtomicLong();
    private RuleEvaluator evaluator;

    private RuleEvaluator start(Roster roster, Instant at) throws Exception {
        return start(RULES, roster, at);
    }

    private RuleEvaluator start(String ruleText, Roster roster, Instant at) throws Exception {
        RuleSet rules = RuleLoader.parse("test.yaml", ruleText);
        evaluator = new RuleEvaluator(
                rules,
                roster,
                TIMING,
                limits,
                tables,
                new Suppression(() -> silences, rules.inhibitRules()),
                new EvaluationListener() {
                    @Override
                    public void failed(Rule rule, String message) {
                        failures.add(rule.name() + ": " + message);
                    }

                    @Override
                    public void refused(String cluster, Rule rule) {
                        refused.add(cluster + "/" + rule.name());
                    }

                    @Override
                    public void dropped(String cluster, String node) {
                        dropped.add(cluster + "/" + node);
                    }
                },
                at,
                cluster -> true);
        return evaluator;
    }

    private List<Alert> send(String node, Body body, int second) {
        return evaluator.onEvent(
                Envelope.of("pair-1", node, seq.incrementAndGet(), T0.plusSeconds(second), body),
                T0.plusSeconds(second));
    }

    private List<Alert> tick(int second) {
        return evaluator.onTick(T0.plusSeconds(second));
    }

    @Test
    void aLostDiskFiresAtOnceWithItsLabelsAnnotationsAndCause() throws Exception {
        start(Roster.empty(), T0);
        assertEquals(List.of(), send("node-a", Bodies.healthyPrimary("r0"), 0));
        List<Alert> alerts = send("node-a", Bodies.diskLost("r0"), 1);
        assertEquals(1, alerts.size(), alerts.toString());
        Alert lost = alerts.get(0);
        assertEquals(AlertState.FIRING, lost.state());
        assertEquals(
                Map.of(
                        "alertname",
                        "DrbdLocalDiskLost",
                        "cluster",
                        "pair-1",
                        "node",
                        "node-a",
                        "resource",
                        "r0",
                        "severity",
                        "critical",
                        "volume",
                        "0"),
                lost.labels());
        assertEquals("node-a lost the disk under r0", lost.annotations().get("summary"));
        assertTrue(lost.failover());
        assertEquals(2, lost.cause().orElseThrow().seq());
        assertEquals(T0.plusSeconds(1).plus(Duration.ofMinutes(4)), lost.endsAt(), "the lease");
        List<Alert> resolved = send("node-a", Bodies.healthyPrimary("r0"), 5);
        assertEquals(AlertState.RESOLVED, resolved.get(0).state());
        assertEquals(2, resolved.get(0).version());
        assertEquals(lost.fingerprint(), resolved.get(0).fingerprint());
    }

    @Test
    void anOtherNodesEventsDoNotResolveThisNodesAlert() throws Exception {
        start(Roster.empty(), T0);
        send("node-a", Bodies.diskLost("r0"), 0);
        assertEquals(List.of(), send("node-b", Bodies.healthyPrimary("r0"), 1));
        assertEquals(
                List.of(),
                send("node-a", Bodies.diskLost("r1"), 2).stream()
                        .filter(a -> a.labels().get("resource").equals("r0"))
                        .toList());
        assertEquals(2, evaluator.alerts().size(), "r0 and r1 on node-a are separate alerts");
    }

    @Test
    void pendingFiresByTheClockWhenNoFurtherEventComes() throws Exception {
        start(Roster.empty(), T0);
        List<Alert> pending = send(
                "node-a",
                Bodies.drbd(
                        "r0",
                        io.vigil.events.DrbdRole.PRIMARY,
                        io.vigil.events.DiskState.UP_TO_DATE,
                        io.vigil.events.ConnectionState.CONNECTING,
                        io.vigil.events.ReplicationState.OFF,
                        io.vigil.events.DiskState.DUNKNOWN,
                        0),
                0);
        assertEquals(AlertState.PENDING, pending.get(0).state());
        assertEquals(List.of(), tick(9));
        List<Alert> firing = tick(10);
        assertEquals(AlertState.FIRING, firing.get(0).state());
        assertEquals(2, firing.get(0).version());
        assertEquals(AlertChange.RESEND, tick(70).get(0).change());
    }

    @Test
    void aRuleThatCannotBeEvaluatedKeepsItsStateAndIsReported() throws Exception {
        start(Roster.empty(), T0);
        send("node-a", Bodies.disk("/dev/sda", true, 0, 65), 0);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(
                failures.get(0).startsWith("DiskNeedsRate: ") && failures.get(0).contains("percentageUsed"),
                failures.toString());
        assertEquals(1, evaluator.alerts().size(), "DiskTooHot fired beside the broken rule");
    }

    @Test
    void aFailureSaysWhatToDoAboutItsOwnCauseOnly() throws Exception {
        // 100 x 100 steps of nested comprehensions, plus the outer 100: over the budget of 10,000
        String hundred = java.util.stream.IntStream.range(0, 100)
                .mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        start("""
                rules:
                  - alert: Squares
                    on: disk
                    when: "%s.all(a, %s.all(b, a * b >= 0)) && body.temperatureCelsius > 60"
                    severity: info
                  - alert: Wear
                    on: disk
                    when: body.percentageUsed > 90
                    severity: info
                """.formatted(hundred, hundred), Roster.empty(), T0);
        send("node-a", Bodies.disk("/dev/sda", true, 0, 65), 0);
        assertEquals(2, failures.size(), failures.toString());
        String budget = failures.stream()
                .filter(f -> f.startsWith("Squares: "))
                .findFirst()
                .orElseThrow();
        assertTrue(budget.contains("more than 10000 steps") && budget.contains("each:"), budget);
        assertFalse(budget.contains("has()"), "a field check would not help: " + budget);
        String missing = failures.stream()
                .filter(f -> f.startsWith("Wear: "))
                .findFirst()
                .orElseThrow();
        assertTrue(missing.contains("percentageUsed") && missing.contains("guard optional fields with has()"), missing);
    }

    @Test
    void aSilentHostFiresOnlyAfterTheGraceAndTheSilenceAndInhibitsItsOtherAlerts() throws Exception {
        start(
                new Roster(
                        Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of("site", "home")))),
                T0);
        send("node-a", Bodies.heartbeat(), 0);
        List<Alert> hot = send("node-a", Bodies.disk("/dev/sda", true, 0, 65), 1);
        assertEquals("home", hot.get(0).labels().get("site"), "the cluster's labels are on its alerts");
        for (int s = 1; s <= 24; s++) {
            assertEquals(
                    List.of(),
                    tick(s).stream().filter(a -> a.rule().equals("NodeSilent")).toList(),
                    "at " + s + "s");
        }
        List<Alert> silent = tick(25);
        assertEquals(
                2, silent.stream().filter(a -> a.rule().equals("NodeSilent")).count(), silent.toString());
        Alert neverSeen = silent.stream()
                .filter(a -> a.labels().get("node").equals("node-b"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "node-b silent for 25s, ever seen false",
                neverSeen.annotations().get("summary"));
        // the same tick that finds node-a silent mutes node-a's other alerts
        Alert inhibited = silent.stream()
                .filter(a -> a.rule().equals("DiskTooHot"))
                .findFirst()
                .orElseThrow();
        assertEquals(AlertChange.SUPPRESSION, inhibited.change());
        assertEquals(1, inhibited.inhibitedBy().size());
        assertTrue(inhibited.suppressed());
        List<Alert> back = send("node-a", Bodies.heartbeat(), 30);
        assertEquals(List.of(), back, "presence changes nothing until the next tick");
        List<Alert> resolved = tick(31);
        assertTrue(
                resolved.stream()
                        .anyMatch(a -> a.rule().equals("NodeSilent")
                                && a.state() == AlertState.RESOLVED
                                && a.labels().get("node").equals("node-a")),
                resolved.toString());
        Alert unmuted = resolved.stream()
                .filter(a -> a.rule().equals("DiskTooHot"))
                .findFirst()
                .orElseThrow();
        assertFalse(unmuted.suppressed());
    }

    @Test
    void aRestoredInstanceCountsSilenceFromWhenItTookOver() throws Exception {
        start(Roster.empty(), T0);
        send("node-a", Bodies.heartbeat(), 0);
        // another instance takes over ten minutes later, on the same tables
        start(Roster.empty(), T0.plusSeconds(600));
        assertEquals(
                List.of(),
                tick(600 + 24).stream()
                        .filter(a -> a.rule().equals("NodeSilent"))
                        .toList());
        assertEquals(
                1,
                tick(600 + 25).stream()
                        .filter(a -> a.rule().equals("NodeSilent"))
                        .count());
    }

    @Test
    void aFiringSilenceSurvivesATakeOverUntilTheNodeSpeaks() throws Exception {
        start(Roster.empty(), T0);
        send("node-a", Bodies.heartbeat(), 0);
        assertEquals(
                1, tick(25).stream().filter(a -> a.rule().equals("NodeSilent")).count());
        // another instance takes over a minute later: the node is still silent, the alert stays firing
        start(Roster.empty(), T0.plusSeconds(60));
        for (int s = 60; s <= 120; s += 5) {
            assertEquals(
                    List.of(),
                    tick(s).stream()
                            .filter(a -> a.rule().equals("NodeSilent") && a.change() != AlertChange.RESEND)
                            .toList(),
                    "at " + s + "s");
        }
        send("node-a", Bodies.heartbeat(), 121);
        Alert resolved = tick(122).stream()
                .filter(a -> a.rule().equals("NodeSilent"))
                .findFirst()
                .orElseThrow();
        assertEquals(AlertState.RESOLVED, resolved.state());
        assertEquals(2, resolved.version());
    }

    @Test
    void anAlertThatFiresMutedIsPublishedOnceWithItsMute() throws Exception {
        start(Roster.empty(), T0);
        silences.add(new Silence(
                "maint",
                List.of(LabelMatcher.parse("alertname=NodeSilent")),
                T0,
                T0.plusSeconds(3600),
                "ops",
                "maintenance",
                Optional.empty(),
                T0));
        send("node-a", Bodies.heartbeat(), 0);
        List<Alert> fired =
                tick(25).stream().filter(a -> a.rule().equals("NodeSilent")).toList();
        assertEquals(1, fired.size(), fired.toString());
        assertEquals(List.of("maint"), fired.get(0).silencedBy());
        assertEquals(1, fired.get(0).version());
        assertEquals(
                List.of(),
                tick(26).stream().filter(a -> a.rule().equals("NodeSilent")).toList());
        send("node-a", Bodies.heartbeat(), 27);
        assertEquals(
                2,
                tick(28).stream()
                        .filter(a -> a.rule().equals("NodeSilent"))
                        .findFirst()
                        .orElseThrow()
                        .version(),
                "versions only grow");
    }

    @Test
    void aSilenceMutesWhatItMatchesWhileItLasts() throws Exception {
        start(Roster.empty(), T0);
        silences.add(new Silence(
                "s1",
                List.of(LabelMatcher.parse("device=/dev/sda")),
                T0,
                T0.plusSeconds(60),
                "ops",
                "disk swap",
                Optional.empty(),
                T0));
        Alert hot = send("node-a", Bodies.disk("/dev/sda", true, 0, 65), 1).get(0);
        assertEquals(List.of("s1"), hot.silencedBy(), "muted from the first publication");
        assertEquals(1, hot.version());
        Alert unmuted = tick(60).stream()
                .filter(a -> a.change() == AlertChange.SUPPRESSION)
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(), unmuted.silencedBy());
        assertEquals(2, unmuted.version());
    }

    @Test
    void aNodeNobodyExpectsIsForgottenWithItsAlertsAfterForgetAfter() throws Exception {
        start(Roster.empty(), T0);
        send("node-x", Bodies.disk("/dev/sda", true, 0, 65), 0);
        assertEquals(1, evaluator.alerts().size());
        List<Alert> silent = tick(30);
        assertEquals(
                0,
                silent.stream().filter(a -> a.rule().equals("NodeSilent")).count(),
                "it sent a disk event, never a heartbeat:"
                        + " absence applies to kinds a node has sent, or is expected to send");
        evaluator.drainForgotten();
        List<Alert> forgotten = tick(3601 + 60);
        Alert resolved = forgotten.stream()
                .filter(a -> a.rule().equals("DiskTooHot") && a.state() == AlertState.RESOLVED)
                .findFirst()
                .orElseThrow(() -> new AssertionError(forgotten.toString()));
        assertEquals(
                List.of(resolved.fingerprint()),
                evaluator.drainForgotten(),
                "the firing alert's last word is followed by its deletion from the compacted vigil.alerts");
        assertEquals(List.of(), evaluator.knownNodes().stream().toList());
        assertEquals(List.of(), tables.scopes().all());
        assertEquals(List.of(), tables.presence().all());
    }

    @Test
    void aSeriesThatDisappearsFromEachResolves() throws Exception {
        start(Roster.empty(), T0);
        send("node-a", Bodies.diskLost("r0"), 0);
        io.vigil.events.DrbdResource noDevices = new io.vigil.events.DrbdResource(
                "r0",
                io.vigil.events.DrbdRole.PRIMARY,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(),
                List.of());
        List<Alert> gone = send("node-a", noDevices, 1);
        assertEquals(AlertState.RESOLVED, gone.get(0).state());
        List<TrackedAlert> left = evaluator.alerts();
        assertEquals(1, left.size(), "resolved alerts stay listed for a while");
        assertEquals(
                EventRule.class,
                RuleLoader.parse("x.yaml", RULES)
                        .rule("DrbdLocalDiskLost")
                        .orElseThrow()
                        .getClass());
    }

    @Test
    void itemsOfEachWithTheSameLabelsAreOneAlertThatHoldsWhileAnyOfThemHolds() throws Exception {
        start(Roster.empty(), T0);
        long size = 10L << 30;
        LvmReport.VolumeGroup vg0 = new LvmReport.VolumeGroup("vg0", size, size / 2, 1, 1);
        LvmReport.VolumeGroup vg0Full = new LvmReport.VolumeGroup("vg0", size, 0, 1, 1);
        LvmReport.VolumeGroup vg1Full = new LvmReport.VolumeGroup("vg1", size, 0, 1, 1);
        LvmReport.VolumeGroup vg1 = new LvmReport.VolumeGroup("vg1", size, size / 2, 1, 1);
        List<Alert> fired = send("node-a", new LvmReport(List.of(vg0, vg1Full), List.of()), 0);
        assertEquals(1, fired.size(), fired.toString());
        assertEquals(AlertState.FIRING, fired.get(0).state());
        assertEquals("vg1 is full", fired.get(0).annotations().get("summary"), "told by the item that holds");
        assertEquals(
                List.of(),
                send("node-a", new LvmReport(List.of(vg0, vg1Full), List.of()), 1),
                "still firing, nothing to say");
        assertEquals(
                List.of(),
                send("node-a", new LvmReport(List.of(vg0Full, vg1), List.of()), 2),
                "another item holds now");
        List<Alert> resolved = send("node-a", new LvmReport(List.of(vg0, vg1), List.of()), 3);
        assertEquals(1, resolved.size(), resolved.toString());
        assertEquals(AlertState.RESOLVED, resolved.get(0).state());
        assertEquals(fired.get(0).fingerprint(), resolved.get(0).fingerprint());
    }

    @Test
    void anEmptyLabelIsNoLabelSoTheFingerprintIsAlertmanagers() throws Exception {
        start(new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a"), Map.of("site", "")))), T0);
        Alert hot = send("node-a", Bodies.disk("/dev/sda", true, 0, 65), 0).get(0);
        assertEquals(
                Map.of(
                        "alertname",
                        "DiskTooHot",
                        "cluster",
                        "pair-1",
                        "device",
                        "/dev/sda",
                        "device_type",
                        "sat",
                        "node",
                        "node-a",
                        "severity",
                        "warning"),
                hot.labels(),
                "neither the rule's empty team nor the cluster's empty site");
        assertEquals(AlertLabels.fingerprint(hot.labels()), hot.fingerprint());
        assertEquals(hot.fingerprint(), evaluator.alerts().get(0).fingerprint());
    }

    private static final Roster PAIR =
            new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of("site", "home"))));

    private static List<Alert> named(List<Alert> alerts, String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
    }

    @Test
    void theEventsOfUnknownNodesBeyondTheLimitAreDroppedUnreadAndTheClusterIsTold() throws Exception {
        limits = new EngineLimits(1_000, 3);
        start(PAIR, T0);
        for (int i = 0; i < 10; i++) {
            send("bogus-" + i, Bodies.disk("/dev/sda", true, 0, 65), 0);
        }
        assertEquals(3, evaluator.alerts().size(), "the first three unknown nodes are heard");
        assertEquals(
                List.of(
                        "pair-1/bogus-3",
                        "pair-1/bogus-4",
                        "pair-1/bogus-5",
                        "pair-1/bogus-6",
                        "pair-1/bogus-7",
                        "pair-1/bogus-8",
                        "pair-1/bogus-9"),
                dropped);
        assertEquals(5, evaluator.knownNodes().size(), "two listed, three unknown");
        assertEquals(
                1, send("node-a", Bodies.disk("/dev/sdb", true, 0, 65), 1).size(), "a listed node is always heard");
        assertEquals(
                AlertState.RESOLVED,
                send("bogus-0", Bodies.disk("/dev/sda", true, 0, 30), 1).get(0).state(),
                "an unknown node within the limit is heard on");
        Alert told = named(tick(1), "VigilUnknownNodeLimitReached").get(0);
        assertEquals(AlertState.FIRING, told.state());
        assertEquals(
                Map.of(
                        "alertname",
                        "VigilUnknownNodeLimitReached",
                        "cluster",
                        "pair-1",
                        "severity",
                        "warning",
                        "site",
                        "home"),
                told.labels());
        assertTrue(
                told.annotations().get("summary").startsWith("pair-1 has 3 nodes the config does not list"),
                told.annotations().toString());
        assertTrue(
                told.annotations().get("description").startsWith("7 events dropped since"),
                told.annotations().toString());
        assertEquals(
                "deploy/runbooks.md#vigilunknownnodelimitreached",
                told.annotations().get("runbook_url"));
        String runbooks = java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "runbooks.md"));
        assertTrue(runbooks.contains("\n## VigilUnknownNodeLimitReached\n")
                && runbooks.contains("\n## VigilAlertLimitReached\n"));
        assertEquals(List.of(), named(tick(2), "VigilUnknownNodeLimitReached"), "told once, then resent as any alert");
        // another instance takes over on the same tables: it counts the nodes again, and tells nothing twice
        start(PAIR, T0.plusSeconds(3));
        assertEquals(List.of(), named(tick(4), "VigilUnknownNodeLimitReached"));
        send("bogus-10", Bodies.disk("/dev/sda", true, 0, 65), 4);
        assertEquals("pair-1/bogus-10", dropped.get(dropped.size() - 1));
        // silent for forget_after (an hour here), the unknown nodes are forgotten, and room is made
        tick(3601 + 60);
        Alert over = named(tick(3601 + 61), "VigilUnknownNodeLimitReached").get(0);
        assertEquals(AlertState.RESOLVED, over.state());
        assertEquals(
                1,
                send("bogus-9", Bodies.disk("/dev/sda", true, 0, 65), 3601 + 62).size());
    }

    @Test
    void newAlertsBeyondTheClusterLimitAreRefusedButAListedNodesSilenceIsStillTold() throws Exception {
        limits = new EngineLimits(5, 32);
        start(PAIR, T0);
        send("node-a", Bodies.heartbeat(), 0);
        send("node-b", Bodies.heartbeat(), 0);
        for (int i = 0; i < 8; i++) {
            send("node-a", Bodies.disk("/dev/sd" + (char) ('a' + i), true, 0, 65), 1);
        }
        assertEquals(5, evaluator.alerts().size());
        assertEquals(List.of("pair-1/DiskTooHot", "pair-1/DiskTooHot", "pair-1/DiskTooHot"), refused);
        Envelope elsewhere = Envelope.of(
                "pair-2", "node-x", seq.incrementAndGet(), T0.plusSeconds(1), Bodies.disk("/dev/sda", true, 0, 65));
        assertEquals(1, evaluator.onEvent(elsewhere, T0.plusSeconds(1)).size(), "another cluster has its own limit");
        List<Alert> limit = named(tick(2), "VigilAlertLimitReached");
        assertEquals(1, limit.size(), limit.toString());
        assertEquals("pair-1", limit.get(0).labels().get("cluster"));
        assertEquals("critical", limit.get(0).labels().get("severity"));
        assertTrue(
                limit.get(0).annotations().get("description").startsWith("3 alerts refused since"),
                limit.get(0).annotations().toString());
        // both listed nodes go silent while their cluster is full: that is still told
        assertEquals(2, named(tick(25), "NodeSilent").size());
        send("node-a", Bodies.heartbeat(), 30);
        send("node-b", Bodies.heartbeat(), 30);
        tick(31);
        for (int i = 0; i < 5; i++) {
            send("node-a", Bodies.disk("/dev/sd" + (char) ('a' + i), true, 0, 30), 32);
        }
        Alert over = named(tick(33), "VigilAlertLimitReached").get(0);
        assertEquals(AlertState.RESOLVED, over.state());
        assertEquals(1, send("node-a", Bodies.disk("/dev/sdh", true, 0, 65), 34).size(), "there is room again");
    }

    @Test
    void tenThousandSilentNodesEachMuteTheirOwnAlertAndARealFailureStillFiresAtOnce() throws Exception {
        limits = new EngineLimits(100_000, 100_000);
        start(PAIR, T0);
        send("node-a", Bodies.heartbeat(), 0);
        for (int i = 0; i < 10_000; i++) {
            send("bogus-" + i, Bodies.heartbeat(), 0);
            send("bogus-" + i, Bodies.disk("/dev/sda", true, 0, 65), 0);
        }
        assertEquals(10_000, evaluator.alerts().size());
        send("node-a", Bodies.heartbeat(), 20);
        List<Alert> silent = tick(25);
        assertEquals(10_000 + 1, named(silent, "NodeSilent").size(), "the unknown nodes and node-b, which never spoke");
        List<Alert> muted = named(silent, "DiskTooHot");
        assertEquals(10_000, muted.size());
        for (Alert a : muted) {
            String source = AlertLabels.fingerprint(Map.of(
                    "alertname",
                    "NodeSilent",
                    "cluster",
                    "pair-1",
                    "node",
                    a.labels().get("node"),
                    "severity",
                    "critical",
                    "site",
                    "home"));
            assertEquals(List.of(source), a.inhibitedBy(), a.labels().get("node"));
        }
        List<Alert> real = send("node-a", Bodies.disk("/dev/sda", true, 0, 65), 26);
        assertEquals(1, real.size());
        assertEquals(AlertState.FIRING, real.get(0).state());
        assertEquals(List.of(), real.get(0).inhibitedBy(), "node-a speaks");
        assertEquals(20_002, evaluator.alerts().size());
    }
}
