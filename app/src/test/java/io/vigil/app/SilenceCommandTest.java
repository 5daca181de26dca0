package io.vigil.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.stream.Engine;
import io.vigil.service.http.ListenAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil silence add, list and expire against a real engine, with its API guarded by a token. */
@SuppressWarnings("deprecation")
class SilenceCommandTest {
    @Test
    void addListAndExpireThroughTheEnginesApi(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("engine.token");
        Files.writeString(token, "s3cret\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                Engine engine = Engine.start(
                        new EngineConfig(
                                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                                "silence-cli",
                                dir.resolve("state"),
                                1,
                                List.of(),
                                Roster.empty(),
                                EngineConfig.Defaults.TOPICS,
                                EngineTiming.DEFAULTS,
                                new EngineConfig.Http(
                                        new ListenAddress("127.0.0.1", 0), Optional.empty(), Optional.of(token))),
                        DefaultRulePack.load(),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            assertTrue(engine.awaitRunning(Duration.ofSeconds(60)));
            String url = engine.apiUrl();
            CommandOutput refused =
                    CommandOutput.run("silence", "add", "--engine", url, "--comment", "no token", "node=node-a");
            assertEquals(1, refused.exitCode());
            assertTrue(refused.err().contains("401"), refused.err());
            CommandOutput added = CommandOutput.run(
                    "silence",
                    "add",
                    "--engine",
                    url,
                    "--token-file",
                    token.toString(),
                    "--duration",
                    "2h",
                    "--author",
                    "ops",
                    "--comment",
                    "replacing sda",
                    "node=node-a",
                    "device=~/dev/sd.*");
            assertEquals(0, added.exitCode(), added.err());
            String id = added.out().strip();
            CommandOutput window = CommandOutput.run(
                    "silence",
                    "add",
                    "--engine",
                    url,
                    "--token-file",
                    token.toString(),
                    "--duration",
                    "365d",
                    "--weekdays",
                    "sunday",
                    "--from",
                    "02:00",
                    "--to",
                    "04:00",
                    "--time-zone",
                    "Europe/Berlin",
                    "--comment",
                    "backup window",
                    "cluster=pair-1");
            assertEquals(0, window.exitCode(), window.err());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> CommandOutput.run("silence", "list", "--engine", url)
                            .out()
                            .contains(id));
            String list = CommandOutput.run("silence", "list", "--engine", url).out();
            assertTrue(
                    list.lines()
                            .anyMatch(l -> l.startsWith(id)
                                    && l.contains("active")
                                    && l.contains("node=\"node-a\",device=~\"/dev/sd.*\"")
                                    && l.contains("replacing sda")),
                    list);
            assertTrue(list.contains("[sunday 02:00-04:00 Europe/Berlin] / backup window"), list);
            CommandOutput bad = CommandOutput.run(
                    "silence", "add", "--engine", url, "--token-file", token.toString(), "--comment", "x", "node");
            assertEquals(1, bad.exitCode());
            assertTrue(bad.err().contains("'node' is not a matcher"), bad.err());
            assertEquals(
                    0,
                    CommandOutput.run("silence", "expire", "--engine", url, "--token-file", token.toString(), id)
                            .exitCode());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !CommandOutput.run("silence", "list", "--engine", url)
                            .out()
                            .contains(id));
            assertTrue(CommandOutput.run("silence", "list", "--engine", url, "--expired")
                    .out()
                    .contains(id));
        }
        CommandOutput down = CommandOutput.run("silence", "list", "--engine", "http://127.0.0.1:1");
        assertEquals(1, down.exitCode());
        assertTrue(down.err().contains("cannot reach the engine at http://127.0.0.1:1"), down.err());
    }

    @Test
    void refusesAnEngineAddressThatIsNotAnHttpUrlAndABadDurationAsUsageErrors() {
        CommandOutput noScheme = CommandOutput.run("silence", "list", "--engine", "localhost:9465");
        assertEquals(2, noScheme.exitCode(), noScheme.err());
        assertTrue(
                noScheme.err()
                        .contains("'localhost:9465' is not an http:// or https:// URL (e.g. http://127.0.0.1:9465)"),
                noScheme.err());
        CommandOutput ftp = CommandOutput.run("silence", "expire", "--engine", "ftp://127.0.0.1:9465", "abc");
        assertEquals(2, ftp.exitCode(), ftp.err());
        CommandOutput duration =
                CommandOutput.run("silence", "add", "--duration", "soon", "--comment", "x", "node=node-a");
        assertEquals(2, duration.exitCode(), duration.err());
        assertTrue(duration.err().contains("'--duration': 'soon' is not a duration"), duration.err());
    }

    @Test
    void aMissingOrEmptyTokenFileIsSaidBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        // nothing listens on port 1: a token read after trying to send would be reported as an unreachable engine
        CommandOutput missing = CommandOutput.run(
                "silence",
                "expire",
                "--engine",
                "http://127.0.0.1:1",
                "--token-file",
                dir.resolve("nope.token").toString(),
                "abc");
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains(dir.resolve("nope.token") + ": no such file"), missing.err());
        assertTrue(!missing.err().contains("cannot reach"), missing.err());
        Files.writeString(dir.resolve("empty.token"), "\n");
        CommandOutput empty = CommandOutput.run(
                "silence",
                "add",
                "--engine",
                "http://127.0.0.1:1",
                "--token-file",
                dir.resolve("empty.token").toString(),
                "--comment",
                "x",
                "node=node-a");
        assertEquals(2, empty.exitCode(), empty.err());
        assertTrue(empty.err().contains("empty.token is empty"), empty.err());
    }

    @Test
    void listsSilencesWithTheirControlCharactersShownNotSent() throws Exception {
        String hostile = """
                {"silences": [{"id": "abc\\u001b[2J", "status": "active", "endsAt": "2026-12-01T00:00:00Z",
                  "createdBy": "ops\\u001b]0;owned\\u0007", "comment": "fine\\u001b[1A\\u001b[2Krewritten\\n",
                  "matchers": [{"name": "node", "op": "=", "value": "node-a\\u009b31m"}]}]}
                """;
        HttpServer engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        engine.createContext("/api/silences", exchange -> {
            try (exchange) {
                byte[] body = hostile.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        engine.start();
        try {
            CommandOutput list = CommandOutput.run(
                    "silence",
                    "list",
                    "--engine",
                    "http://127.0.0.1:" + engine.getAddress().getPort());
            assertEquals(0, list.exitCode(), list.err());
            assertTrue(list.out().chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b), list.out());
            assertTrue(list.out().contains("abc\\x1b[2J"), list.out());
            assertTrue(list.out().contains("ops\\x1b]0;owned\\x07"), list.out());
            assertTrue(list.out().contains("node=\"node-a\\x9b31m\" / fine\\x1b[1A\\x1b[2Krewritten\\x0a"), list.out());
        } finally {
            engine.stop(0);
        }
    }
}
