package io.vigil.collectors.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.collectors.config.AgentConfig.ResourceContents;
import io.vigil.service.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's config and the shared topology file must tell the same story; each disagreement is named in both files. */
class AgentTopologyTest {
    private static final String TOPOLOGY = """
            clusters:
              pair-1:
                nodes:
                  node-a:
                  node-b:
                resources:
                  r0: {home: node-a, vms: [web, mail]}
                  r1: {home: node-b, vms: [db]}
                vms:
                  web: {memory: 1GiB}
                  mail: {memory: 1GiB}
                  db: {memory: 1GiB}
            """;
    private static final String AGENT = """
            cluster: pair-1
            node: node-a
            kafka: {bootstrap.servers: "k:9092"}
            topology: topology.yaml
            resources:
              r0: {home: node-a, lvs: [vg0/r0-disk], vms: [web, mail]}
              r1: {home: node-b, lvs: [vg0/r1-disk], vms: [db]}
            """;

    @TempDir
    Path dir;

    private String topology;

    @BeforeEach
    void writeTopology() throws Exception {
        Files.writeString(dir.resolve("topology.yaml"), TOPOLOGY);
        topology = dir.resolve("topology.yaml").toString();
    }

    private AgentConfig parse(String text) throws ConfigException {
        return AgentConfigLoader.parse("agent.yaml", text, dir);
    }

    private List<String> problems(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        return e.problems().stream().map(p -> p.describe("agent.yaml")).toList();
    }

    private static String replace(String text, String line, String replacement) {
        if (!text.contains(line)) {
            throw new AssertionError(line);
        }
        return text.replace(line, replacement);
    }

    @Test
    void anAgreeingConfigKeepsItsLvsAndCarriesTheTopology() throws Exception {
        AgentConfig config = parse(AGENT);
        assertEquals(
                Map.of("vg0/r0-disk", "r0", "vg0/r1-disk", "r1"),
                config.resources().lvToResource());
        assertEquals(
                List.of("node-a", "node-b"),
                config.clusterTopology().orElseThrow().nodeNames());
        assertEquals(Set.of("web", "mail"), config.resources().vmsExpectedOn("node-a"));
    }

    @Test
    void withoutResourcesTheTopologysAreTaken() throws Exception {
        AgentConfig config = parse(AGENT.substring(0, AGENT.indexOf("resources:")));
        assertEquals(
                Map.of(
                        "r0",
                        new ResourceContents(Optional.of("node-a"), List.of(), List.of("web", "mail")),
                        "r1",
                        new ResourceContents(Optional.of("node-b"), List.of(), List.of("db"))),
                config.resources().byResource());
        assertEquals(Set.of("db"), config.resources().vmsExpectedOn("node-b"));
        AgentConfig emptyList = parse(AGENT.substring(0, AGENT.indexOf("resources:")) + "resources: {}\n");
        assertEquals(config.resources(), emptyList.resources());
    }

    @Test
    void aHomeOrVmListLeftOutIsTakenFromTheTopology() throws Exception {
        AgentConfig config =
                parse(replace(AGENT, "{home: node-a, lvs: [vg0/r0-disk], vms: [web, mail]}", "{lvs: [vg0/r0-disk]}"));
        assertEquals(
                new ResourceContents(Optional.of("node-a"), List.of("vg0/r0-disk"), List.of("web", "mail")),
                config.resources().byResource().get("r0"));
    }

    @Test
    void theClusterMustBeInTheTopology() {
        assertEquals(
                List.of("agent.yaml:1: cluster: 'pair-9' is not a cluster of " + topology + ":1 (pair-1)"),
                problems(replace(AGENT, "cluster: pair-1", "cluster: pair-9")));
    }

    @Test
    void theNodeMustBeInItsCluster() {
        assertEquals(
                List.of("agent.yaml:2: node: 'node-c' is not a node of pair-1 in " + topology + ":3 (node-a, node-b)"),
                problems(replace(AGENT, "node: node-a", "node: node-c")));
    }

    @Test
    void aDifferentHomeIsNamedInBothFiles() {
        assertEquals(
                List.of("agent.yaml:6: resources.r0.home: is node-b but " + topology + ":7 says node-a"),
                problems(replace(AGENT, "r0: {home: node-a", "r0: {home: node-b")));
    }

    @Test
    void aDifferentVmListIsNamedInBothFiles() {
        assertEquals(
                List.of("agent.yaml:7: resources.r1.vms: is [db, extra] but " + topology + ":8 says [db]"),
                problems(replace(AGENT, "vms: [db]", "vms: [db, extra]")));
    }

    @Test
    void aResourceOnlyHereIsAProblem() {
        assertEquals(
                List.of("agent.yaml:8: resources.r2: is not a resource of pair-1 in " + topology + ":6 (r0, r1)"),
                problems(AGENT + "  r2: {home: node-a, lvs: [vg0/r2-disk]}\n"));
    }

    @Test
    void aResourceOnlyInTheTopologyIsAProblem() {
        assertEquals(
                List.of("agent.yaml:5: resources: r1 is missing here but " + topology
                        + ":8 lists it (list it with its lvs,"
                        + " or leave resources: out to take every resource from the topology)"),
                problems(replace(AGENT, "  r1: {home: node-b, lvs: [vg0/r1-disk], vms: [db]}\n", "")));
    }

    @Test
    void theTopologysOwnProblemsAreListedWithTheConfigsAtOnce() throws Exception {
        Files.writeString(dir.resolve("topology.yaml"), TOPOLOGY.replace("r0: {home: node-a", "r0: {home: node-c"));
        assertEquals(
                List.of(
                        "agent.yaml:2: node: 'node a' is not a valid name (letters, digits and _ . + : -, not starting with '-' or '.', at most 128)",
                        "agent.yaml:4: topology: " + topology
                                + ":7: clusters.pair-1.resources.r0.home: 'node-c' is not a node of"
                                + " clusters.pair-1 (node-a, node-b)"),
                problems(replace(AGENT, "node: node-a", "node: node a")));
    }

    @Test
    void aTopologyThatCannotBeReadIsNamed() {
        assertEquals(
                List.of("agent.yaml:4: topology: " + dir.resolve("nope.yaml")
                        + " cannot be read (NoSuchFileException); it is"
                        + " the topology shared by the engine and the agents (see deploy/topology.yaml)"),
                problems(replace(AGENT, "topology: topology.yaml", "topology: nope.yaml")));
    }
}
