package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void saysWhereToStartWhenTheConfigIsMissing(@TempDir Path dir) {
        CommandOutput run = CommandOutput.run("agent", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("deploy/agent.yaml"), run.err());
    }
}
