package io.vigil.rules.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.service.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineConfigLoaderTest {
    @Test
    void theDeployedExampleSpellsOutTheDefaults() throws Exception {
        EngineConfig example = EngineConfigLoader.load(Path.of("..", "deploy", "engine.yaml"));
        assertEquals(Map.of("bootstrap.servers", "127.0.0.1:9092"), example.kafka());
        assertEquals(EngineConfig.Defaults.APPLICATION_ID, example.applicationId());
        assertEquals(EngineConfig.Defaults.STATE_DIR, example.stateDir());
        assertEquals(EngineConfig.Defaults.STREAM_THREADS, example.streamThreads());
        assertEquals(List.of(Path.of("/etc/vigil/rules")), example.rules());
        assertEquals(new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))), example.roster());
        assertEquals(EngineConfig.Defaults.TOPICS, example.topics());
        assertEquals(EngineTiming.DEFAULTS, example.timing());
        assertEquals(new EngineConfig.Http(EngineConfig.Defaults.LISTEN, Optional.empty(), Optional.empty()), example.http());
    }

    @Test
    void anEmptyTokenFileIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("token"), "  \n");
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfigLoader.parse("engine.yaml",
                "kafka: {bootstrap.servers: k:9092}\nrules: [r]\nhttp: {token_file: token}\n", dir));
        assertTrue(e.getMessage().contains("is empty: it would let anyone change silences"), e.getMessage());
    }

    @Test
    void relativePathsAreTakenFromTheFilesDirectory() throws Exception {
        EngineConfig c = EngineConfigLoader.parse("engine.yaml", "kafka: {bootstrap.servers: k:9092}\nrules: [rules]\nstate_dir: state\n",
                Path.of("/etc/vigil"));
        assertEquals(List.of(Path.of("/etc/vigil/rules")), c.rules());
        assertEquals(Path.of("/etc/vigil/state"), c.stateDir());
    }

    @Test
    void everyProblemIsNamedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfigLoader.parse("engine.yaml", """
                kafka: {}
                rules: []
                clusters:
                  pair-1: {nodes: [node-a, "-x"], labels: {severity: high, site: home}}
                topics: {partitions: 0}
                evaluation: {interval: 1x, resend_interval: 5m, lease: 1m}
                http: {listen: nowhere, token_file: /no/such/token}
                stream_thread: 2
                """, Path.of("/etc/vigil")));
        String m = e.getMessage();
        for (String expected : List.of(
                "engine.yaml:2: rules: name the rule files",
                "engine.yaml:4: clusters.pair-1.nodes: '-x' is not a valid name",
                "engine.yaml:4: clusters.pair-1.labels.severity: 'severity' is set by the engine",
                "engine.yaml:5: topics.partitions: must be 1 to 10000, was 0",
                "engine.yaml:6: evaluation.interval: '1x' is not a duration",
                "engine.yaml:6: evaluation.lease: lease (PT1M) must be longer than the resend interval (PT5M)",
                "engine.yaml:7: http.listen: 'nowhere' is not host:port",
                "engine.yaml:7: http.token_file: /no/such/token cannot be read",
                "engine.yaml:8: stream_thread: unknown key (did you mean 'stream_threads'?)",
                "engine.yaml: kafka.bootstrap.servers: missing")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(expected)), () -> "missing: " + expected + "\nin:\n" + m);
        }
    }
}
