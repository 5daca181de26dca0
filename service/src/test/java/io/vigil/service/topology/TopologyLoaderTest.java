package io.vigil.service.topology;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.service.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyLoaderTest {
    private static final String VALID = """
            clusters:
              pair-1:
                nodes:
                  node-a:
                    reserve: 1GiB
                    migrate_to: "qemu+ssh://10.0.0.1/system"
                    fence:
                      power_off: [/usr/bin/ipmitool, -H, 10.0.0.11, chassis, power, off]
                      status: [ipmitool, -H, 10.0.0.11, chassis, power, status]
                      off_when_output_contains: "is off"
                      timeout: 20s
                  node-b:
                resources:
                  r0: {home: node-a, vms: [web, mail]}
                  r1: {home: node-b, vms: []}
                vms:
                  web: {memory: 4GiB, min_memory: 1GiB, priority: 10}
                  mail: {memory: 2GiB}
                failover:
                  mode: dry-run
                  failback: auto
                  flap_guard: {max_failovers: 5, window: 2h}
                  evacuate_on: [DiskSmartFailing]
                  host_gone_after: 20s
                  step_timeout: 1m
                  step_retries: 0
                  shutdown_timeout: 90s
            """;

    private static List<String> problems(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> TopologyLoader.parse("topology.yaml", text));
        return e.problems().stream().map(p -> p.describe("topology.yaml")).toList();
    }

    private static void assertProblem(String text, String expected) {
        List<String> problems = problems(text);
        assertTrue(
                problems.stream().anyMatch(p -> p.startsWith(expected)),
                () -> "missing: " + expected + "\nin:\n" + String.join("\n", problems));
    }

    /** VALID with one line replaced: the line numbers of the rest stay as they are. */
    private static String valid(String line, String replacement) {
        assertTrue(VALID.contains(line + "\n"), line);
        return VALID.replace(line + "\n", replacement + "\n");
    }

    @Test
    void readsAFullFileIntoTheRecords() throws Exception {
        TopologyFile file = TopologyLoader.parse("topology.yaml", VALID);
        ClusterTopology pair = file.topology().cluster("pair-1").orElseThrow();
        assertEquals(
                List.of(
                        new NodeTopology(
                                "node-a",
                                1L << 30,
                                "qemu+ssh://10.0.0.1/system",
                                Optional.of(new FenceCommands(
                                        List.of("/usr/bin/ipmitool", "-H", "10.0.0.11", "chassis", "power", "off"),
                                        List.of("ipmitool", "-H", "10.0.0.11", "chassis", "power", "status"),
                                        "is off",
                                        Duration.ofSeconds(20)))),
                        new NodeTopology("node-b", 512L << 20, "qemu+ssh://node-b/system", Optional.empty())),
                pair.nodes());
        assertEquals(
                Map.of(
                        "r0",
                        new ResourceTopology("r0", "node-a", List.of("web", "mail")),
                        "r1",
                        new ResourceTopology("r1", "node-b", List.of())),
                pair.resources());
        assertEquals(
                Map.of(
                        "web",
                        new VmTopology("web", 4L << 30, 1L << 30, 10),
                        "mail",
                        new VmTopology("mail", 2L << 30, 2L << 30, 0)),
                pair.vms());
        assertEquals(
                new FailoverPolicy(
                        FailoverMode.DRY_RUN,
                        FailbackPolicy.AUTO,
                        5,
                        Duration.ofHours(2),
                        List.of("DiskSmartFailing"),
                        Duration.ofSeconds(20),
                        Duration.ofMinutes(1),
                        0,
                        Duration.ofSeconds(90)),
                pair.policy());
        assertEquals("topology.yaml:14", file.where("clusters.pair-1.resources.r0.home"));
        assertEquals("topology.yaml:3", file.where("clusters.pair-1.nodes"));
    }

    @Test
    void theDeployedExampleReadsWithTheDefaultPolicy() throws Exception {
        TopologyFile file = TopologyLoader.load(Path.of("..", "deploy", "topology.yaml"));
        ClusterTopology pair = file.topology().cluster("pair-1").orElseThrow();
        assertEquals(FailoverPolicy.DEFAULT, pair.policy());
        assertEquals(List.of("node-a", "node-b"), pair.nodeNames());
        assertEquals(
                TopologyLoader.DEFAULT_OFF_TEXT,
                pair.node("node-b").orElseThrow().fence().orElseThrow().offWhenOutputContains());
        assertEquals("r1", pair.resourceOfVm("db").orElseThrow().name());
    }

    @Test
    void aClusterIsAPair() {
        assertProblem(
                valid("      node-b:", "      node-b:\n      node-c:"),
                "topology.yaml:3: clusters.pair-1.nodes: a cluster is a pair: name exactly two nodes, not 3 (node-a, node-b, node-c)");
        // reported on the cluster's own line (it had no line: the missing key has none)
        assertProblem("clusters:\n  pair-1:\n    resources: {}\n", "topology.yaml:2: clusters.pair-1.nodes: missing");
    }

    @Test
    void aHomeIsOneOfTheNodes() {
        assertProblem(
                valid("      r0: {home: node-a, vms: [web, mail]}", "      r0: {home: node-c, vms: [web, mail]}"),
                "topology.yaml:14: clusters.pair-1.resources.r0.home: 'node-c' is not a node of clusters.pair-1 (node-a, node-b)");
    }

    @Test
    void everyVmIsUnderExactlyOneResourceAndHasItsMemory() {
        assertProblem(
                valid("      r1: {home: node-b, vms: []}", "      r1: {home: node-b, vms: [web]}"),
                "topology.yaml:15: clusters.pair-1.resources.r1.vms: VM 'web' is already under clusters.pair-1.resources.r0");
        assertProblem(
                valid("      r1: {home: node-b, vms: []}", "      r1: {home: node-b, vms: [db]}"),
                "topology.yaml:15: clusters.pair-1.resources.r1.vms: VM 'db' has no entry under clusters.pair-1.vms");
        assertProblem(
                valid("      mail: {memory: 2GiB}", "      mail: {memory: 2GiB}\n      db: {memory: 1GiB}"),
                "topology.yaml:19: clusters.pair-1.vms.db: is under no resource");
    }

    @Test
    void memoryIsPositiveAndTheMinimumAtMostIt() {
        assertProblem(
                valid(
                        "      web: {memory: 4GiB, min_memory: 1GiB, priority: 10}",
                        "      web: {memory: 1GiB, min_memory: 4GiB, priority: 10}"),
                "topology.yaml:17: clusters.pair-1.vms.web.min_memory: 4GiB is more than memory 1GiB");
        assertProblem(
                valid("      mail: {memory: 2GiB}", "      mail: {memory: 0}"),
                "topology.yaml:18: clusters.pair-1.vms.mail.memory: must be more than 0");
        assertProblem(
                valid("        reserve: 1GiB", "        reserve: lots"),
                "topology.yaml:5: clusters.pair-1.nodes.node-a.reserve: 'lots' is not a size");
        assertProblem(
                valid("          timeout: 20s", "          timeout: 0"),
                "topology.yaml:11: clusters.pair-1.nodes.node-a.fence.timeout: must be longer than 0");
    }

    @Test
    void fenceCommandsAreListsOfArgumentsWithARunnableProgram() {
        assertProblem(
                valid(
                        "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]",
                        "          status: ipmitool -H 10.0.0.11 chassis power status"),
                "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.status: write the command as a list of arguments"
                        + " ([ipmitool, -H, 10.0.0.11, chassis, power, status]); it is run without a shell");
        assertProblem(
                valid("          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]", "          status: []"),
                "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.status: an empty command");
        assertProblem(
                valid(
                        "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]",
                        "          status: [./ipmitool, -H]"),
                "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.status[0]: './ipmitool' is not a program to run");
        assertProblem(
                valid(
                        "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]",
                        "          status: [ipmitool, [-H]]"),
                "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.status[1]: expected an argument (text), not a list");
        assertProblem(
                valid(
                        "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]",
                        "          statuss: [ipmitool]"),
                "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.statuss: unknown key (did you mean 'status'?)");
        // reported on the line of fence: itself (it was the line of fence's first key, power_off)
        assertProblem(
                valid(
                        "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]",
                        "          statuss: [ipmitool]"),
                "topology.yaml:7: clusters.pair-1.nodes.node-a.fence.status: missing");
    }

    @Test
    void aNodeBelongsToOneClusterAndAClusterGuardsAtLeastOneResource() {
        String second =
                "  pair-2:\n    nodes:\n      node-a:\n      node-c:\n    resources:\n      r5: {home: node-c, vms: []}\n";
        assertProblem(
                VALID + second,
                "topology.yaml:30: clusters.pair-2.nodes.node-a: is already a node of clusters.pair-1"
                        + " (a host belongs to one pair)");
        assertProblem(
                VALID + "  pair-3:\n    nodes: {node-x: {}, node-y: {}}\n",
                "topology.yaml:28: clusters.pair-3: guards no DRBD resource (resources: {r0: {home: node-x, vms: [web]}})");
    }

    @Test
    void theLongestSagaAndActionIdsOfAResourceFitInAName() {
        String cluster = "c".repeat(40);
        String vm = "v".repeat(30);
        // 40 + 2 + 30 + 40 = 112: fits
        String fits = VALID.replace("pair-1", cluster).replace("web", vm);
        assertEquals(
                List.of(cluster),
                List.copyOf(assertDoesNotThrow(() -> TopologyLoader.parse("topology.yaml", fits))
                        .topology()
                        .clusters()
                        .keySet()));
        // 40 + 2 + 50 + 40 = 132: cluster:resource:number:step:attempt would pass 128 for migrate:VM
        String tooLong = VALID.replace("pair-1", cluster).replace("web", "v".repeat(50));
        assertProblem(
                tooLong,
                "topology.yaml:14: clusters." + cluster
                        + ".resources.r0: its failover ids would be up to 132 characters"
                        + " (cluster, resource, longest VM or node name '" + "v".repeat(50)
                        + "', and 40 for the rest), more than the 128 a name may have:"
                        + " shorten one of them");
    }

    @Test
    void anEmptyFenceIsAProblemOfItsOwn() {
        String text = VALID.replace(
                "        fence:\n"
                        + "          power_off: [/usr/bin/ipmitool, -H, 10.0.0.11, chassis, power, off]\n"
                        + "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]\n"
                        + "          off_when_output_contains: \"is off\"\n"
                        + "          timeout: 20s\n",
                "        fence:\n");
        assertEquals(
                List.of(
                        "topology.yaml:7: clusters.pair-1.nodes.node-a.fence: empty: give power_off and status, or remove fence:"),
                problems(text));
    }

    @Test
    void aNodeLeftOutForABadValueIsStillAHome() {
        assertEquals(
                List.of(
                        "topology.yaml:5: clusters.pair-1.nodes.node-a.reserve: must be more than 0 (the host itself needs memory)"),
                problems(valid("        reserve: 1GiB", "        reserve: 0")));
    }

    @Test
    void aFenceCommandIsTheProgramItselfNotAShellOrInterpreterAndItsPathIsNormalised() {
        String status = "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]";
        for (String shell : List.of(
                "sh",
                "/bin/bash",
                "dash",
                "/usr/bin/zsh",
                "ksh",
                "/usr/bin/env",
                "python3",
                "/usr/bin/python3.11",
                "perl",
                "ruby")) {
            assertProblem(
                    valid(status, "          status: [" + shell + ", -c, \"ipmitool chassis power status\"]"),
                    "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.status[0]: '" + shell
                            + "' is a shell or interpreter: write the command itself as arguments; it is run without a shell");
        }
        for (String path : List.of(
                "/usr/./bin/ipmitool",
                "/usr/../bin/ipmitool",
                "/usr/bin/..",
                "//usr/bin/ipmitool",
                "/usr//bin/ipmitool")) {
            assertProblem(
                    valid(status, "          status: [" + path + ", chassis]"),
                    "topology.yaml:9: clusters.pair-1.nodes.node-a.fence.status[0]: '" + path
                            + "' is not a normalised path");
        }
    }

    @Test
    void eachNodeHasItsOwnFenceCommandsAndMigrationDestination() {
        String sameOff = valid(
                "      node-b:",
                "      node-b:\n        fence:\n"
                        + "          power_off: [/usr/bin/ipmitool, -H, 10.0.0.11, chassis, power, off]\n"
                        + "          status: [ipmitool, -H, 10.0.0.12, chassis, power, status]");
        assertProblem(
                sameOff,
                "topology.yaml:14: clusters.pair-1.nodes.node-b.fence.power_off: the same command as node-a's"
                        + " (the survivor would cut its own power): give each node the command for its own BMC");
        String sameStatus = valid(
                "      node-b:",
                "      node-b:\n        fence:\n"
                        + "          power_off: [/usr/bin/ipmitool, -H, 10.0.0.12, chassis, power, off]\n"
                        + "          status: [ipmitool, -H, 10.0.0.11, chassis, power, status]");
        assertProblem(
                sameStatus,
                "topology.yaml:15: clusters.pair-1.nodes.node-b.fence.status: the same command as node-a's"
                        + " (the survivor would read its own power state): give each node the command for its own BMC");
        assertProblem(
                valid("      node-b:", "      node-b: {migrate_to: \"qemu+ssh://10.0.0.1/system\"}"),
                "topology.yaml:12: clusters.pair-1.nodes.node-b.migrate_to: the same destination as node-a's"
                        + " (a VM would migrate to the node it is leaving): give each node its own");
    }

    @Test
    void policyWordsNamesAndNumbersAreChecked() {
        assertProblem(
                valid("      mode: dry-run", "      mode: yolo"),
                "topology.yaml:20: clusters.pair-1.failover.mode: 'yolo' is not a failover mode (one of auto, approve, dry-run)");
        assertProblem(
                valid("      failback: auto", "      failback: sometimes"),
                "topology.yaml:21: clusters.pair-1.failover.failback: 'sometimes' is not a failback policy (one of auto, manual)");
        assertProblem(
                valid(
                        "      flap_guard: {max_failovers: 5, window: 2h}",
                        "      flap_guard: {max_failovers: 0, window: 2h}"),
                "topology.yaml:22: clusters.pair-1.failover.flap_guard.max_failovers: must be 1 to 1000, was 0");
        assertProblem(
                valid("      evacuate_on: [DiskSmartFailing]", "      evacuate_on: [\"Disk Failing\"]"),
                "topology.yaml:23: clusters.pair-1.failover.evacuate_on[0]: 'Disk Failing' is not a valid name");
        assertProblem(
                valid("      step_retries: 0", "      step_retries: -1"),
                "topology.yaml:26: clusters.pair-1.failover.step_retries: must be 0 to 100, was -1");
        assertProblem(
                valid("      shutdown_timeout: 90s", "      shutdown_timeout: 90s\n      auto_fence: true"),
                "topology.yaml:28: clusters.pair-1.failover.auto_fence: unknown key (known here: mode, failback, flap_guard, evacuate_on,"
                        + " host_gone_after, step_timeout, step_retries, shutdown_timeout)");
    }

    @Test
    void namesAreChecked() {
        assertProblem(valid("  pair-1:", "  -pair:"), "topology.yaml:2: clusters.-pair: '-pair' is not a valid name");
        assertProblem(
                valid("      web: {memory: 4GiB, min_memory: 1GiB, priority: 10}", "      w b: {memory: 4GiB}"),
                "topology.yaml:17: clusters.pair-1.vms.w b: 'w b' is not a valid name");
    }

    @Test
    void everyProblemIsListedAtOnceByLine() {
        String text = valid("      r0: {home: node-a, vms: [web, mail]}", "      r0: {home: node-c, vms: [web, mail]}")
                .replace("      mode: dry-run", "      mode: yolo")
                .replace("        reserve: 1GiB", "        reserve: lots");
        assertEquals(
                List.of(
                        "topology.yaml:5: clusters.pair-1.nodes.node-a.reserve: 'lots' is not a size (use 64MiB, 1GiB or plain bytes)",
                        "topology.yaml:14: clusters.pair-1.resources.r0.home: 'node-c' is not a node of clusters.pair-1 (node-a, node-b)",
                        "topology.yaml:20: clusters.pair-1.failover.mode: 'yolo' is not a failover mode (one of auto, approve, dry-run)"),
                problems(text));
    }

    @Test
    void aFileWithoutClustersIsRefused() {
        assertEquals(
                List.of(
                        "topology.yaml: clusters: missing (clusters: {pair-1: {nodes: ..., resources: ..., vms: ...}})"),
                problems("{}\n"));
        assertEquals(
                List.of(
                        "topology.yaml:1: clusters: name at least one cluster (pair-1: {nodes: ..., resources: ..., vms: ...})"),
                problems("clusters: {}\n"));
    }
}
