package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {
    @Test
    void refusesToStartOnABrokenConfigAndListsEveryProblem(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "cluster: pair-1\nnode: node a\nprobes:\n  smart: {interval: 10x}\n");
        CommandOutput run = CommandOutput.run("agent", "--config", config.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("agent.yaml:2: node:"), run.err());
        assertTrue(run.err().contains("agent.yaml:4: probes.smart.interval: '10x' is not a duration"), run.err());
        assertTrue(run.err().contains("kafka"), "the missing broker address is named: " + run.err());
    }

    @Test
    void aDirectoryGivenAsTheConfigIsAnErrorNamingItNotAStackTrace(@TempDir Path dir) {
        CommandOutput run = CommandOutput.run("agent", "--config", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith(dir + ": is a directory, not a config file"), run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    }

    @Test
    void aConfigThatIsNotUtf8IsAnErrorNamingTheLineAndByte(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        // "café" saved as Latin-1: byte 0xE9 is not UTF-8
        Files.write(config, "cluster: pair-1\nnode: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        CommandOutput run = CommandOutput.run("agent", "--config", config.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(
                run.err()
                        .startsWith(
                                config
                                        + ":2: not UTF-8 text: byte 0xE9 at byte offset 25 (column 10); save the file as UTF-8"),
                run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    }

    @Test
    void saysWhereToStartWhenTheConfigIsMissing(@TempDir Path dir) {
        CommandOutput run =
                CommandOutput.run("agent", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("deploy/agent.yaml"), run.err());
    }
}
