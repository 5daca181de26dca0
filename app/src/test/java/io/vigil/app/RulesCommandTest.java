package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {
    private static final Path PACK = Path.of("..", "deploy", "rules");

    @Test
    void checkAcceptsTheDefaultPack() {
        CommandOutput run = CommandOutput.run("rules", "check", PACK.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("SUCCESS: "), run.out());
    }

    @Test
    void checkCountsTheInhibitionsByTheFailoverAmongTheInhibitions(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vm.yaml"), """
                inhibit:
                  - source_matchers: ['alertname="NodeSilent"']
                    target_matchers: ['alertname!="NodeSilent"']
                    equal: [node]
                  - source_failover: holds_vm_elsewhere
                    target_matchers: ['alertname="VmNotRunning"']
                """);
        CommandOutput run = CommandOutput.run("rules", "check", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("SUCCESS: 0 rules and 2 inhibitions found", run.out().strip());
    }

    @Test
    void checkPrintsEveryProblemWithFileAndLineAndFails(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad, "rules:\n  - alert: A\n    on: drbd\n    when: body.rol == 'Primary'\n    severity: urgent\n");
        CommandOutput run = CommandOutput.run("rules", "check", bad.toString());
        assertEquals(1, run.exitCode());
        assertTrue(
                run.err().contains(bad + ":4: A.when: undefined field 'rol' (column 5 of the expression)"), run.err());
        assertTrue(run.err().contains(bad + ":5: rules[0].severity: 'urgent' is not a Severity"), run.err());
        assertTrue(run.err().strip().endsWith("FAILED: 2 problems"), run.err());
    }

    @Test
    void checkFailsOnADirectoryWithNoRuleFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a rule file\n");
        Files.createDirectory(dir.resolve("nested.yaml"));
        CommandOutput run = CommandOutput.run("rules", "check", dir.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("no rule files in " + dir), run.err());
        assertTrue(!run.out().contains("SUCCESS"), run.out());
    }

    @Test
    void testRunsTheDefaultPacksTests() throws Exception {
        CommandOutput run = CommandOutput.run(
                "rules",
                "test",
                PACK.resolve("tests/drbd.yaml").toString(),
                PACK.resolve("tests/host.yaml").toString());
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().contains("  PASS  split brain pages at once"), run.out());
        assertTrue(run.out().strip().endsWith("SUCCESS"), run.out());
    }

    @Test
    void testFailsOnAFailingCase(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("r.yaml"),
                "rules:\n  - alert: Always\n    on: heartbeat\n    when: 'true'\n    severity: info\n");
        Files.writeString(dir.resolve("t.yaml"), """
                rule_files: [r.yaml]
                tests:
                  - name: expects nothing
                    input: [{node: node-a, kind: heartbeat, body: {agentVersion: x, uptimeSeconds: 1, probes: [],
                             memoryTotalBytes: 1, memoryAvailableBytes: 1}}]
                    expect: [{at: 0s, alert: Always, alerts: []}]
                """);
        CommandOutput run =
                CommandOutput.run("rules", "test", dir.resolve("t.yaml").toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("  FAIL  expects nothing"), run.out());
        assertTrue(run.out().contains("expected: (none)"), run.out());
        assertTrue(run.out().strip().endsWith("FAILED"), run.out());
    }
}
