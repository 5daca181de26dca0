package io.vigil.rules.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Action;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionSeals;
import io.vigil.events.DecodeException;
import io.vigil.rules.engine.Roster;
import io.vigil.service.config.ConfigException;
import io.vigil.service.topology.TopologyFile;
import io.vigil.service.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine.yaml's failover: section: the shared topology, which must agree with clusters:, and the action keys. */
class EngineTopologyTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final String TOPOLOGY = """
            clusters:
              pair-1:
                nodes:
                  node-a:
                  node-b:
                resources: {r0: {home: node-a, vms: []}}
              pair-2:
                nodes: {node-c: , node-d: }
                resources: {r5: {home: node-c, vms: []}}
            """;
    private static final String ENGINE = """
            kafka: {bootstrap.servers: k:9092}
            rules: [r]
            clusters:
              pair-1:
                nodes: [node-a, node-b]
                labels: {site: north}
            failover:
              topology: topology.yaml
              key_file: action.key
            http: {token_file: engine.token}
            """;

    @TempDir
    Path dir;

    private String topology;

    @BeforeEach
    void writeFiles() throws Exception {
        Files.writeString(dir.resolve("topology.yaml"), TOPOLOGY);
        Files.writeString(dir.resolve("action.key"), KEY + "\n");
        Files.writeString(dir.resolve("engine.token"), "api-secret\n");
        Files.createDirectories(dir.resolve("keys"));
        for (String node : List.of("node-a", "node-b", "node-c", "node-d")) {
            Files.writeString(dir.resolve("keys").resolve(node + ".key"), nodeKey(node) + "\n");
        }
        topology = dir.resolve("topology.yaml").toString();
    }

    private EngineConfig parse(String text, Map<String, String> env) throws ConfigException {
        return EngineConfigLoader.parse("engine.yaml", text, dir, env);
    }

    private List<String> problems(String text, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text, env));
        return e.problems().stream().map(p -> p.describe("engine.yaml")).toList();
    }

    private static String replace(String text, String line, String replacement) {
        if (!text.contains(line)) {
            throw new AssertionError(line);
        }
        return text.replace(line, replacement);
    }

    @Test
    void aClusterOnlyTheTopologyListsJoinsTheRoster() throws Exception {
        EngineConfig config = parse(ENGINE, Map.of());
        assertEquals(
                new Roster(Map.of(
                        "pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of("site", "north")),
                        "pair-2", new Roster.ClusterSpec(List.of("node-c", "node-d"), Map.of()))),
                config.roster());
        assertTrue(config.roster().expects("pair-2", "node-d"), "a node of the topology that never reports is silent");
        EngineConfig.Failover failover = config.failover().orElseThrow();
        assertEquals(
                List.of("pair-1", "pair-2"),
                failover.topology().clusters().keySet().stream().sorted().toList());
        Action action = sampleAction();
        assertEquals(
                action,
                new ActionSeal(KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .open(failover.seals().seal(action)),
                "the key is the file's text without its trailing newline");
    }

    @Test
    void theKeyMayComeFromTheEnvironment() throws Exception {
        EngineConfig config = parse(
                replace(ENGINE, "key_file: action.key", "key_env: VIGIL_ACTION_KEY"), Map.of("VIGIL_ACTION_KEY", KEY));
        Action action = sampleAction();
        assertEquals(
                action,
                new ActionSeal(KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .open(config.failover().orElseThrow().seals().seal(action)));
    }

    @Test
    void differentNodesAreNamedInBothFiles() {
        assertEquals(
                List.of("engine.yaml:5: clusters.pair-1.nodes: is [node-a, node-x] but " + topology
                        + ":3 says [node-a, node-b]"),
                problems(replace(ENGINE, "nodes: [node-a, node-b]", "nodes: [node-a, node-x]"), Map.of()));
    }

    @Test
    void aClusterTheEngineWatchesButTheTopologyLacksIsAProblemOnceFailoverIsOn() throws Exception {
        String third = replace(
                ENGINE,
                "    labels: {site: north}\n",
                "    labels: {site: north}\n  pair-9:\n    nodes: [node-y, node-z]\n");
        assertEquals(
                List.of("engine.yaml:7: clusters.pair-9: not in the topology " + topology
                        + ", so it would have no failover:"
                        + " add it there (mode: dry-run to only watch it) or run it under an engine without failover:"),
                problems(third, Map.of()));
        // without failover: it is an ordinary watched cluster
        EngineConfig watched =
                parse(replace(third, "failover:\n  topology: topology.yaml\n  key_file: action.key\n", ""), Map.of());
        assertTrue(watched.roster().expects("pair-9", "node-z"));
    }

    @Test
    void theKeyIsRequiredNeverWrittenInTheConfigAndLongEnough() throws Exception {
        assertEquals(
                List.of("engine.yaml:8: failover.key_dir: missing (key_dir: DIR holding <node>.key for each node of"
                        + " the topology; or key_file: PATH or key_env: VAR for one key every agent shares)"),
                problems(replace(ENGINE, "  key_file: action.key\n", ""), Map.of()));
        assertTrue(problems(replace(ENGINE, "key_file: action.key", "key: " + KEY), Map.of())
                .get(0)
                .startsWith("engine.yaml:9: failover.key: a secret is not written in the config"));
        assertEquals(
                List.of("engine.yaml:9: failover.key_file: give key_file or key_env, not both"),
                problems(
                        replace(
                                ENGINE,
                                "  key_file: action.key\n",
                                "  key_file: action.key\n  key_env: VIGIL_ACTION_KEY\n"),
                        Map.of("VIGIL_ACTION_KEY", KEY)));
        Files.writeString(dir.resolve("action.key"), "short\n");
        List<String> shortKey = problems(ENGINE, Map.of());
        assertEquals(
                List.of("engine.yaml:9: failover.key_file: the action key has 5 bytes; it needs at least 32"
                        + " (make one with: head -c 32 /dev/urandom | base64 > FILE)"),
                shortKey);
        assertTrue(shortKey.stream().noneMatch(p -> p.contains("short")), "the key is never shown");
    }

    @Test
    void theTopologyIsRequiredAndItsProblemsListedWithTheConfigs() throws Exception {
        assertEquals(
                List.of("engine.yaml:8: failover.topology: missing (topology: /etc/vigil/topology.yaml)"),
                problems(replace(ENGINE, "  topology: topology.yaml\n", ""), Map.of()));
        Files.writeString(
                dir.resolve("topology.yaml"), TOPOLOGY.replace("nodes: {node-c: , node-d: }", "nodes: {node-c: }"));
        assertEquals(
                List.of(
                        "engine.yaml:2: rules: expected paths of rule files or directories, not a map",
                        "engine.yaml:2: rules: name the rule files or directories to load (rules: [/etc/vigil/rules])",
                        "engine.yaml:8: failover.topology: " + topology
                                + ":8: clusters.pair-2.nodes: a cluster is a pair:"
                                + " name exactly two nodes, not 1 (node-c)"),
                problems(replace(ENGINE, "rules: [r]", "rules: [{}]"), Map.of()));
    }

    @Test
    void theDeployedFailoverExampleReadsOnceUncommented() throws Exception {
        String example = Files.readString(Path.of("..", "deploy", "engine.yaml"));
        String block = example.substring(
                example.indexOf("# failover:"), example.indexOf("\n\n", example.indexOf("# failover:")));
        String failover = block.lines()
                .map(l -> l.substring(2))
                .collect(java.util.stream.Collectors.joining("\n"))
                .replace(
                        "/etc/vigil/topology.yaml",
                        Path.of("..", "deploy", "topology.yaml")
                                .toAbsolutePath()
                                .toString())
                .replace("/etc/vigil/secrets/action-keys", dir.resolve("keys").toString());
        assertTrue(block.contains("http.token_file"), "the example says the failover needs the API token: " + block);
        EngineConfig config = parse(
                "kafka: {bootstrap.servers: k:9092}\nrules: [r]\nhttp: {token_file: engine.token}\n" + failover + "\n",
                Map.of());
        assertEquals(
                List.of("node-a", "node-b"),
                config.failover()
                        .orElseThrow()
                        .topology()
                        .cluster("pair-1")
                        .orElseThrow()
                        .nodeNames());
        assertTrue(config.roster().expects("pair-1", "node-b"));
        assertTrue(
                config.failover().orElseThrow().seals() instanceof ActionSeals.PerNode,
                "the example gives each node its key");
    }

    @Test
    void withKeyDirEachNodesActionsAreSealedWithThatNodesKeyOnly() throws Exception {
        EngineConfig config = parse(replace(ENGINE, "key_file: action.key", "key_dir: keys"), Map.of());
        ActionSeals seals = config.failover().orElseThrow().seals();
        Action forB = sampleAction();
        assertEquals(forB, ActionSeal.ofKeyText(nodeKey("node-b")).open(seals.seal(forB)));
        assertThrows(
                DecodeException.class,
                () -> ActionSeal.ofKeyText(nodeKey("node-a")).open(seals.seal(forB)),
                "node-a's key seals nothing node-b's agent accepts");
        for (String node : List.of("node-a", "node-b", "node-c", "node-d")) {
            assertTrue(seals.of(node).isPresent(), node + " of the topology has its key");
        }
    }

    @Test
    void aNodeWhoseKeyInKeyDirIsMissingOrShortIsAProblemNamingTheNodeAndTheFile() throws Exception {
        Files.delete(dir.resolve("keys").resolve("node-c.key"));
        Files.writeString(dir.resolve("keys").resolve("node-d.key"), "short\n");
        List<String> problems = problems(replace(ENGINE, "key_file: action.key", "key_dir: keys"), Map.of());
        Path keys = dir.resolve("keys");
        assertEquals(
                List.of(
                        "engine.yaml:9: failover.key_dir: the key of node node-c (cluster pair-2): "
                                + keys.resolve("node-c.key")
                                + " cannot be read (NoSuchFileException); it should hold only the secret, readable by the engine's user",
                        "engine.yaml:9: failover.key_dir: the key of node node-d (cluster pair-2): "
                                + keys.resolve("node-d.key")
                                + ": the action key has 5 bytes; it needs at least 32 (make one with: head -c 32 /dev/urandom | base64 > FILE)"),
                problems);
        assertTrue(problems.stream().noneMatch(p -> p.contains("short")), "the key is never shown");
    }

    @Test
    void aKeyDirThatIsNotADirectoryIsOneProblem() {
        assertEquals(
                List.of(
                        "engine.yaml:9: failover.key_dir: " + dir.resolve("nowhere")
                                + " is not a directory (it should hold <node>.key for each node of the topology, readable by the engine's user)"),
                problems(replace(ENGINE, "key_file: action.key", "key_dir: nowhere"), Map.of()));
    }

    @Test
    void keyDirIsGivenAloneNotBesideASharedKey() {
        assertEquals(
                List.of("engine.yaml:10: failover.key_dir: give key_dir (a key per node) or key_file/key_env"
                        + " (one key every agent shares), not both"),
                problems(
                        replace(ENGINE, "  key_file: action.key\n", "  key_file: action.key\n  key_dir: keys\n"),
                        Map.of()));
    }

    @Test
    void theFailoverCannotBeGivenSealsThatLeaveANodeOfTheTopologyWithoutAKey() throws Exception {
        TopologyFile topologyFile = TopologyLoader.load(dir.resolve("topology.yaml"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EngineConfig.Failover(
                        topologyFile,
                        new ActionSeals.PerNode(Map.of(
                                "node-a", ActionSeal.ofKeyText(nodeKey("node-a")),
                                "node-b", ActionSeal.ofKeyText(nodeKey("node-b"))))));
        assertTrue(e.getMessage().contains("[node-c, node-d]"), e.getMessage());
    }

    private static String nodeKey(String node) {
        return "the-action-key-of-" + node + "-0123456789abcdef";
    }

    @Test
    void theFailoverNeedsTheApiToken() {
        assertEquals(
                List.of(
                        "engine.yaml:7: failover: needs http.token_file: without it anyone who reaches the API could approve"
                                + " a failover or ask for a failback (put a random secret in a file, mode 0600, and name it in http.token_file)"),
                problems(replace(ENGINE, "http: {token_file: engine.token}\n", ""), Map.of()));
    }

    @Test
    void unknownKeysOfTheSectionAreRefused() {
        assertEquals(
                List.of(
                        "engine.yaml:10: failover.mode: unknown key (known here: topology, key_dir, key, key_file, key_env)"),
                problems(
                        replace(ENGINE, "  key_file: action.key\n", "  key_file: action.key\n  mode: auto\n"),
                        Map.of()));
    }

    private static Action sampleAction() {
        java.time.Instant now = java.time.Instant.parse("2024-05-01T10:00:00Z");
        return new Action(
                "pair-1:r0:1:fence:1",
                "pair-1:r0:1",
                "pair-1",
                "node-b",
                io.vigil.events.ActionType.FENCE,
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.of("node-a"),
                java.util.Optional.empty(),
                now,
                now.plusSeconds(60));
    }
}
