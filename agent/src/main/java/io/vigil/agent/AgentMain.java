package io.vigil.agent;

import io.vigil.cli.DurationConverter;
import io.vigil.collectors.heartbeat.HeartbeatProbe;
import io.vigil.service.process.FatalErrors;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The main of {@code vigil-agent.jar}, which {@code ./vigil agent ARGS} runs as
 * {@code java -jar vigil-agent.jar ARGS}: the agent alone, so that a production host's JVM has
 * on its class path and in its memory only what the agent runs.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) {
        // an agent that lost a part it cannot do without ends, so that its supervisor restarts it
        FatalErrors.exitOnFatal();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new AgentCommand())
                .setCommandName("vigil agent")
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Duration.class, new DurationConverter());
        // as 'vigil --version' says it
        commandLine.getCommandSpec().version("vigil " + HeartbeatProbe.agentVersion());
        return commandLine;
    }
}
