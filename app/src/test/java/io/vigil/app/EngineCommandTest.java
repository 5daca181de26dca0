package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine refuses to start on a bad config or a bad rule file, naming what is wrong and where. */
class EngineCommandTest {
    @Test
    void refusesABadRuleFileNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("bad.yaml"),
                "rules:\n  - alert: Broken\n    on: disk\n    when: body.temp > 60\n    severity: warning\n");
        Files.writeString(
                dir.resolve("engine.yaml"), "kafka: {bootstrap.servers: \"127.0.0.1:1\"}\nrules: [bad.yaml]\n");
        CommandOutput run = CommandOutput.run(
                "engine", "--config", dir.resolve("engine.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(dir.resolve("bad.yaml") + ":4: Broken.when: undefined field 'temp'"), run.err());
        assertTrue(run.err().contains("vigil engine: not started: the rule files have 1 problem(s)"), run.err());
    }

    @Test
    void refusesABadConfigNamingEachProblem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("engine.yaml"), "kafka: {}\nrules: [rules]\nevaluation: {interval: soon}\n");
        CommandOutput run = CommandOutput.run(
                "engine", "--config", dir.resolve("engine.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("engine.yaml:3: evaluation.interval: 'soon' is not a duration"), run.err());
        assertTrue(run.err().contains("kafka.bootstrap.servers: missing"), run.err());
        CommandOutput missing =
                CommandOutput.run("engine", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(
                missing.err().contains("no such file (deploy/engine.yaml is an example to start from)"), missing.err());
    }

    @Test
    void aDirectoryOrATextThatIsNotUtf8IsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        CommandOutput directory = CommandOutput.run("engine", "--config", dir.toString());
        assertEquals(2, directory.exitCode(), directory.err());
        assertTrue(directory.err().startsWith(dir + ": is a directory, not a config file"), directory.err());

        Files.write(
                dir.resolve("engine.yaml"),
                new byte[] {'k', 'a', 'f', 'k', 'a', ':', ' ', '{', '}', '\n', '#', ' ', (byte) 0xC3, '\n'});
        CommandOutput latin = CommandOutput.run(
                "engine", "--config", dir.resolve("engine.yaml").toString());
        assertEquals(2, latin.exitCode(), latin.err());
        assertTrue(
                latin.err()
                        .startsWith(dir.resolve("engine.yaml")
                                + ":2: not UTF-8 text: byte 0xC3 at byte offset 12 (column 3)"),
                latin.err());

        // a rule file the engine's config names goes through the same reading
        Files.writeString(
                dir.resolve("engine.yaml"), "kafka: {bootstrap.servers: \"127.0.0.1:1\"}\nrules: [bad.yaml]\n");
        Files.write(dir.resolve("bad.yaml"), new byte[] {'r', 'u', 'l', 'e', 's', ':', ' ', (byte) 0xFF, '\n'});
        CommandOutput rule = CommandOutput.run(
                "engine", "--config", dir.resolve("engine.yaml").toString());
        assertEquals(2, rule.exitCode(), rule.err());
        assertTrue(
                rule.err()
                        .contains(
                                dir.resolve("bad.yaml") + ":1: not UTF-8 text: byte 0xFF at byte offset 7 (column 8)"),
                rule.err());
        for (CommandOutput run : List.of(directory, latin, rule)) {
            assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
        }
    }

    @Test
    void saysSoWhenTheApiPortIsTaken(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Files.writeString(dir.resolve("engine.yaml"), """
                    kafka: {bootstrap.servers: "%s"}
                    rules: [%s]
                    state_dir: "%s"
                    http: {listen: "127.0.0.1:%d"}
                    """.formatted(
                            kafka.bootstrapServers(),
                            Path.of("..", "deploy", "rules").toAbsolutePath(),
                            dir.resolve("state"),
                            taken.getLocalPort()));
            CommandOutput run = CommandOutput.run(
                    "engine", "--config", dir.resolve("engine.yaml").toString());
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().contains("vigil engine: not started: cannot serve"), run.err());
            assertTrue(run.err().contains(":" + taken.getLocalPort()), run.err());
            assertTrue(run.err().contains("(http.listen in " + dir.resolve("engine.yaml") + ")"), run.err());
            assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
        }
    }
}
