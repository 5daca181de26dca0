package io.vigil.rules.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.rules.engine.EngineLimits;
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
        assertEquals(
                new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))),
                example.roster());
        assertEquals(EngineConfig.Defaults.TOPICS, example.topics());
        assertEquals(EngineTiming.DEFAULTS, example.timing());
        assertEquals(EngineLimits.DEFAULTS, example.limits());
        assertEquals(
                new EngineConfig.Http(EngineConfig.Defaults.LISTEN, Optional.empty(), Optional.empty()),
                example.http());
    }

    @Test
    void limitsAreReadAndTheirProblemsNamed() throws Exception {
        EngineConfig c = EngineConfigLoader.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                limits: {alerts_per_cluster: 20000, unknown_nodes_per_cluster: 0}
                """, Path.of("/etc/vigil"));
        assertEquals(new EngineLimits(20_000, 0), c.limits(), "0 unknown nodes: only the listed ones are heard");
        ConfigException e = assertThrows(
                ConfigException.class, () -> EngineConfigLoader.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                limits:
                  alerts_per_cluster: 0
                  unknown_nodes_per_cluster: many
                  alerts_per_node: 5
                """, Path.of("/etc/vigil")));
        String m = e.getMessage();
        for (String expected : List.of(
                "engine.yaml:4: limits.alerts_per_cluster: must be 1 to 1000000, was 0",
                "engine.yaml:5: limits.unknown_nodes_per_cluster: 'many' is not a whole number",
                "engine.yaml:6: limits.alerts_per_node")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(expected)), () -> "missing: " + expected + "\nin:\n" + m);
        }
    }

    @Test
    void anEmptyTokenFileIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("token"), "  \n");
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> EngineConfigLoader.parse(
                        "engine.yaml",
                        "kafka: {bootstrap.servers: k:9092}\nrules: [r]\nhttp: {token_file: token}\n",
                        dir));
        assertTrue(e.getMessage().contains("is empty: it would let anyone change silences"), e.getMessage());
    }

    @Test
    void theDeployedNotifyExampleReadsOnceUncommented(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String example = java.nio.file.Files.readString(Path.of("..", "deploy", "engine.yaml"));
        String notify = example.substring(example.indexOf("# notify:"))
                .lines()
                .map(l -> l.startsWith("# ") ? l.substring(2) : l)
                .collect(java.util.stream.Collectors.joining("\n"));
        for (String secret : List.of("pagerduty.key", "smtp.password", "slack.url")) {
            java.nio.file.Files.writeString(
                    dir.resolve(secret),
                    secret.equals("slack.url") ? "https://hooks.example/T0/B0/x" : "s3cret-" + secret);
        }
        String text =
                "kafka: {bootstrap.servers: k:9092}\nrules: [r]\n" + notify.replace("/etc/vigil/secrets/", dir + "/");
        EngineConfig c = EngineConfigLoader.parse("engine.yaml", text, dir, Map.of("TICKETS_TOKEN", "t0ken"));
        io.vigil.rules.notify.NotifyConfig n = c.notifications().orElseThrow();
        assertEquals(
                List.of("pager", "ops-mail", "alertmanager", "tickets", "chat"),
                n.receivers().stream().map(r -> r.name()).toList());
        assertEquals("ops-mail", n.route().receiver());
        assertEquals(3, n.route().routes().size());
        assertEquals(java.time.Duration.ZERO, n.route().routes().get(0).groupWait());
        assertEquals(java.time.Duration.ofMinutes(5), n.route().routes().get(0).groupInterval(), "inherited");
        assertEquals("http://engine-1.example:9465", n.externalUrl());
        assertTrue(
                n.receivers().get(3).toString().contains("<secret from $TICKETS_TOKEN>"),
                "secrets print as where they came from");
        assertTrue(!n.toString().contains("t0ken") && !n.toString().contains("s3cret"), n.toString());
    }

    @Test
    void notifyProblemsAreNamedAndSecretsAreNeverWrittenInTheConfig() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> EngineConfigLoader.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                notify:
                  receivers:
                    - name: pager
                      pagerduty: {routing_key: abc123}
                    - name: mail
                      email: {to: [not-an-address], from: v@example.org, smarthost: "mail:25", password_env: NOPE}
                    - name: both
                      webhook: {url: "http://a"}
                      slack: {url_file: x}
                  route:
                    receiver: nobody
                    routes:
                      - matchers: ['severity=~"("']
                """, Path.of("/etc/vigil"), Map.of()));
        String m = e.getMessage();
        for (String expected : List.of(
                "engine.yaml:6: notify.receivers[0].pagerduty.routing_key: a secret is not written in the config",
                "engine.yaml:8: notify.receivers[1].email.to: 'not-an-address' is not an e-mail address",
                "engine.yaml:8: notify.receivers[1].email.password_env: the environment variable NOPE is not set",
                "engine.yaml:9: notify.receivers[2]: one receiver is one of [slack, webhook], not several",
                "engine.yaml:13: notify.route.receiver: no receiver is named 'nobody'",
                "engine.yaml:15: notify.route.routes[0].matchers: '(' is not a regular expression")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(expected)), () -> "missing: " + expected + "\nin:\n" + m);
        }
        assertTrue(!m.contains("abc123"), "the secret written in the config is not repeated: " + m);
    }

    @Test
    void aSecretThatCannotWorkIsRefusedWithoutBeingShown(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("slack.url"), "hooks.example/T0/B0/xoxb-private");
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> EngineConfigLoader.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                notify:
                  receivers:
                    - name: tickets
                      webhook: {url: "http://127.0.0.1:5001/", bearer_token_env: TOKEN}
                    - name: chat
                      slack: {url_file: slack.url}
                  route: {receiver: tickets}
                """, dir, Map.of("TOKEN", "abc def-private")));
        String m = e.getMessage();
        for (String expected : List.of(
                "engine.yaml:6: notify.receivers[0].webhook.bearer_token_env: the environment variable TOKEN holds characters an HTTP"
                        + " header cannot carry",
                "engine.yaml:8: notify.receivers[1].slack.url_file: " + dir.resolve("slack.url")
                        + " does not hold an http(s) URL")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(expected)), () -> "missing: " + expected + "\nin:\n" + m);
        }
        assertTrue(!m.contains("private"), "no secret in the message: " + m);
    }

    @Test
    void keysAReceiverWouldIgnoreAndACaFileThatIsNoCertificateAreProblems(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> EngineConfigLoader.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                notify:
                  receivers:
                    - name: am
                      alertmanager: {urls: ["http://127.0.0.1:9093"], send_resolved: false}
                    - name: screen
                      console: {timeout: 5s}
                    - name: mail
                      email: {to: [ops@example.org], from: v@example.org, smarthost: "mail:25", ca_file: ca.pem}
                  route: {receiver: am}
                """, dir, Map.of()));
        String m = e.getMessage();
        for (String expected : List.of(
                "engine.yaml:6: notify.receivers[0].alertmanager.send_resolved: unknown key",
                "engine.yaml:8: notify.receivers[1].console.timeout: unknown key",
                "engine.yaml:10: notify.receivers[2].email.ca_file: " + dir.resolve("ca.pem")
                        + " is not a PEM certificate of the mail server's CA")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(expected)), () -> "missing: " + expected + "\nin:\n" + m);
        }
        assertFalse(m.contains("no receiver is named"), "a receiver with a problem is still named: " + m);
    }

    @Test
    void relativePathsAreTakenFromTheFilesDirectory() throws Exception {
        EngineConfig c = EngineConfigLoader.parse(
                "engine.yaml",
                "kafka: {bootstrap.servers: k:9092}\nrules: [rules]\nstate_dir: state\n",
                Path.of("/etc/vigil"));
        assertEquals(List.of(Path.of("/etc/vigil/rules")), c.rules());
        assertEquals(Path.of("/etc/vigil/state"), c.stateDir());
    }

    @Test
    void everyProblemIsNamedWithItsLine() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> EngineConfigLoader.parse("engine.yaml", """
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
