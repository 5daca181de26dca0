package io.vigil.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** vigil-agent.jar's own command line, as './vigil agent ARGS' gives it its arguments. */
class AgentMainTest {
    @Test
    void saysItsVersionAsVigilDoes() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = AgentMain.commandLine();
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute("--version"));
        assertTrue(out.toString().startsWith("vigil "), out.toString());
    }

    @Test
    void aMissingConfigIsNamedWithTheExampleAndExits2(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = AgentMain.commandLine();
        commandLine.setErr(new PrintWriter(err));
        assertEquals(
                2, commandLine.execute("--config", dir.resolve("agent.yaml").toString()));
        assertTrue(
                err.toString()
                        .startsWith("vigil agent: " + dir.resolve("agent.yaml") + ": no such file (deploy/agent.yaml"),
                err.toString());
    }
}
