package io.vigil.rules.rule;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.EventKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {
    private static final String GOOD = """
            rules:
              - alert: DrbdLocalDiskLost
                on: drbd
                each: body.devices
                when: body.role == "Primary" && it.disk in ["Failed", "Diskless"] && !it.client
                severity: critical
                labels:
                  volume: "{{it.volume}}"
                annotations:
                  summary: "{{node}} lost the disk under {{body.resource}} volume {{it.volume}}"
                failover: true
              - alert: DiskReallocatedSectorsGrowing
                on: disk
                when: |
                  has(body.reallocatedSectors) && has(prev.reallocatedSectors)
                    && body.reallocatedSectors > prev.reallocatedSectors
                for: 1m
                keep_firing_for: 1h
                severity: warning
                flapping: {window: 12, low: 0.2, high: 0.4}
              - alert: NodeSilent
                absent: heartbeat
                for: 15s
                severity: critical
                annotations:
                  summary: "{{node}} silent for {{humanizeDuration(absent_for)}}"
            inhibit:
              - source_matchers: ['alertname="NodeSilent"']
                target_matchers: ['alertname!="NodeSilent"', 'severity=~"warning|critical"']
                equal: [node]
            """;

    @Test
    void aGoodFileLoadsWithEveryPartChecked() throws Exception {
        RuleSet set = RuleLoader.parse("good.yaml", GOOD);
        assertEquals(3, set.size());
        EventRule lost = (EventRule) set.rule("DrbdLocalDiskLost").orElseThrow();
        assertEquals(EventKind.DRBD, lost.kind());
        assertTrue(lost.each().isPresent());
        assertTrue(lost.failover());
        assertEquals(Severity.CRITICAL, lost.severity());
        assertEquals(new RuleSource("good.yaml", 2), lost.source());
        EventRule growing =
                (EventRule) set.rule("DiskReallocatedSectorsGrowing").orElseThrow();
        assertEquals(Duration.ofMinutes(1), growing.forDuration());
        assertEquals(Duration.ofHours(1), growing.keepFiringFor());
        assertEquals(new Flapping(12, 0.2, 0.4), growing.flapping().orElseThrow());
        assertTrue(set.keepsPrevious(EventKind.DISK));
        assertFalse(set.keepsPrevious(EventKind.DRBD));
        AbsenceRule silent = (AbsenceRule) set.rule("NodeSilent").orElseThrow();
        assertEquals(Duration.ofSeconds(15), silent.forDuration());
        assertEquals(List.of(silent), set.absence());
        assertEquals(List.of(lost), set.on(EventKind.DRBD));
        InhibitRule inhibit = set.inhibitRules().get(0);
        assertEquals(List.of("node", "cluster"), inhibit.equal(), "the cluster is always among the equal labels");
        assertEquals(2, inhibit.target().size());
    }

    @Test
    void everyProblemIsReportedAtOnceWithFileAndLine() {
        String bad = """
                rules:
                  - alert: TypoInField
                    on: drbd
                    when: body.rol == "Primary"
                    severity: critical
                  - alert: BadSeverity
                    on: disk
                    when: body.smartPassed == false
                    severity: urgent
                    sumary: oops
                  - alert: SilentFailover
                    absent: heartbeat
                    for: 15s
                    severity: critical
                    failover: true
                  - alert: NoCondition
                    on: vm
                    severity: info
                    labels:
                      node: other
                      vm_state: "{{body.stat}}"
                  - alert: MultiLine
                    on: lvm
                    when: |
                      body.volumeGroups.exists(vg,
                        vg.free < 10)
                    severity: warning
                  - alert: WrongKind
                    on: smart
                    when: "true"
                    severity: info
                inhibit:
                  - source_matchers: ['alertname=~"(unclosed"']
                    target_matchers: ['severity="warning"']
                """;
        RuleLoadException e = assertThrows(RuleLoadException.class, () -> RuleLoader.parse("rules/bad.yaml", bad));
        String message = e.getMessage();
        List<String> expected = List.of(
                "rules/bad.yaml:4: TypoInField.when: undefined field 'rol' (column 5 of the expression)",
                "rules/bad.yaml:9: rules[1].severity: 'urgent' is not a Severity",
                "rules/bad.yaml:10: rules[1].sumary: unknown key (did you mean 'summary'?",
                "rules/bad.yaml:15: SilentFailover.failover: silence alone never proves a host dead",
                "rules/bad.yaml:16: NoCondition.when: missing (a CEL condition over the event",
                "rules/bad.yaml:20: NoCondition.labels.node: is set by the engine",
                "rules/bad.yaml:21: NoCondition.labels.vm_state: in {{body.stat}}: undefined field 'stat'",
                "rules/bad.yaml:26: MultiLine.when: undefined field 'free'",
                "rules/bad.yaml:29: rules[5].on: 'smart' is not a kind of event",
                "rules/bad.yaml:33: inhibit[0].source_matchers: '(unclosed' is not a regular expression");
        for (String line : expected) {
            assertTrue(
                    message.lines().anyMatch(l -> l.startsWith(line)), () -> "missing: " + line + "\nin:\n" + message);
        }
        assertTrue(message.contains("'urgent' is not a Severity (one of [critical, warning, info])"), message);
        assertEquals(expected.size(), e.problems().size(), message);
    }

    @Test
    void badYamlAndAWrongShapeAreNamed() {
        RuleLoadException syntax =
                assertThrows(RuleLoadException.class, () -> RuleLoader.parse("x.yaml", "rules: [\n  - alert: A\n"));
        assertTrue(syntax.getMessage().startsWith("x.yaml:"), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("not valid YAML"), syntax.getMessage());
        RuleLoadException list =
                assertThrows(RuleLoadException.class, () -> RuleLoader.parse("y.yaml", "- alert: A\n"));
        assertTrue(
                list.getMessage().startsWith("y.yaml:1: expected a map of settings (rules:, inhibit:)"),
                list.getMessage());
        RuleLoadException notAMap =
                assertThrows(RuleLoadException.class, () -> RuleLoader.parse("z.yaml", "rules:\n  - just text\n"));
        assertTrue(notAMap.getMessage().startsWith("z.yaml:2: rules[0]: expected a map"), notAMap.getMessage());
    }

    @Test
    void namesMustBeUniqueAcrossFilesAndMissingFilesAreNamed(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("a.yaml"),
                "rules:\n  - alert: Same\n    on: heartbeat\n    when: 'true'\n    severity: info\n");
        Files.writeString(
                dir.resolve("b.yml"), "rules:\n  - alert: Same\n    on: vm\n    when: 'true'\n    severity: info\n");
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests").resolve("not-a-rule-file.yaml"), "rule_files: [x]\n");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        RuleLoadException e =
                assertThrows(RuleLoadException.class, () -> RuleLoader.load(List.of(dir, dir.resolve("missing.yaml"))));
        assertTrue(
                e.getMessage()
                        .contains(dir.resolve("b.yml") + ":2: Same: a rule of this name is already defined at "
                                + dir.resolve("a.yaml") + ":2"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains(dir.resolve("missing.yaml") + ": no such file or directory"), e.getMessage());
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void anEachRuleWithNoLabelReadingItIsRefusedForItsItemsCouldNeverBeToldApart() {
        String rules = """
                rules:
                  - alert: VgFull
                    on: lvm
                    each: body.volumeGroups
                    when: it.freeBytes == 0
                    severity: warning
                    annotations: {summary: "{{it.name}} is full"}
                """;
        RuleLoadException e = assertThrows(RuleLoadException.class, () -> RuleLoader.parse("lvm.yaml", rules));
        assertTrue(e.getMessage().startsWith("lvm.yaml:4: VgFull.each: no label reads it"), e.getMessage());
        assertEquals(1, e.problems().size(), e.getMessage());
        RuleSet named = assertDoesNotThrow(() -> RuleLoader.parse(
                "lvm.yaml", rules.replace("    annotations:", "    labels: {vg: \"{{it.name}}\"}\n    annotations:")));
        assertEquals(1, named.size());
    }

    @Test
    void anInhibitionByTheFailoverNamesWhatItTargets() throws Exception {
        RuleSet set = RuleLoader.parse("vm.yaml", """
                inhibit:
                  - source_failover: holds_vm_elsewhere
                    target_matchers: ['alertname="VmNotRunning"']
                """);
        assertEquals(List.of(), set.inhibitRules());
        FailoverInhibition inhibition = set.failoverInhibitions().get(0);
        assertEquals(List.of(io.vigil.events.LabelMatcher.parse("alertname=\"VmNotRunning\"")), inhibition.target());
        assertEquals(new RuleSource("vm.yaml", 2), inhibition.origin());
    }

    @Test
    void anInhibitionByTheFailoverWithAnUnknownFactOrAlertSourcesIsRefusedWithItsLine() {
        RuleLoadException e = assertThrows(RuleLoadException.class, () -> RuleLoader.parse("vm.yaml", """
                inhibit:
                  - source_failover: holds_vm_anywhere
                    target_matchers: ['alertname="VmNotRunning"']
                  - source_failover: holds_vm_elsewhere
                    source_matchers: ['alertname="NodeSilent"']
                    target_matchers: ['alertname="VmNotRunning"']
                  - source_failover: holds_vm_elsewhere
                """));
        String message = e.getMessage();
        assertTrue(
                message.contains("vm.yaml:2") && message.contains("'holds_vm_anywhere' is not a failover fact"),
                message);
        assertTrue(message.contains("vm.yaml:5") && message.contains("drop source_matchers"), message);
        assertTrue(message.contains("needs target_matchers"), message);
    }
}
