package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine refuses to start on a bad config or a bad rule file, naming what is wrong and where. */
class EngineCommandTest {
    @Test
    void refusesABadRuleFileNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), "rules:\n  - alert: Broken\n    on: disk\n    when: body.temp > 60\n    severity: warning\n");
        Files.writeString(dir.resolve("engine.yaml"), "kafka: {bootstrap.servers: \"127.0.0.1:1\"}\nrules: [bad.yaml]\n");
        CommandOutput run = CommandOutput.run("engine", "--config", dir.resolve("engine.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(dir.resolve("bad.yaml") + ":4: Broken.when: undefined field 'temp'"), run.err());
        assertTrue(run.err().contains("vigil engine: not started: the rule files have 1 problem(s)"), run.err());
    }

    @Test
    void refusesABadConfigNamingEachProblem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("engine.yaml"), "kafka: {}\nrules: [rules]\nevaluation: {interval: soon}\n");
        CommandOutput run = CommandOutput.run("engine", "--config", dir.resolve("engine.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("engine.yaml:3: evaluation.interval: 'soon' is not a duration"), run.err());
        assertTrue(run.err().contains("kafka.bootstrap.servers: missing"), run.err());
        CommandOutput missing = CommandOutput.run("engine", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such file (deploy/engine.yaml is an example to start from)"), missing.err());
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
                    """.formatted(kafka.bootstrapServers(), Path.of("..", "deploy", "rules").toAbsolutePath(), dir.resolve("state"),
                    taken.getLocalPort()));
            CommandOutput run = CommandOutput.run("engine", "--config", dir.resolve("engine.yaml").toString());
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().contains("vigil engine: not started: cannot serve"), run.err());
            assertTrue(run.err().contains(":" + taken.getLocalPort()), run.err());
            assertTrue(run.err().contains("(http.listen in " + dir.resolve("engine.yaml") + ")"), run.err());
            assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
        }
    }
}
