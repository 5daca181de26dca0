package io.vigil.app;

import io.vigil.agent.AgentCommand;
import io.vigil.cli.DurationConverter;
import io.vigil.collectors.heartbeat.HeartbeatProbe;
import io.vigil.service.process.FatalErrors;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line. */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = Vigil.Version.class,
        description = "Monitoring and failover for DRBD-mirrored Linux hosts.",
        subcommands = {
            LabCommand.class,
            AgentCommand.class,
            EngineCommand.class,
            ParseCommand.class,
            RulesCommand.class,
            SilenceCommand.class,
            SagasCommand.class,
            ApproveCommand.class,
            FailbackCommand.class,
            AuditCommand.class,
            HistoryCommand.class,
            NotifyCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Vigil implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // a Vigil process that lost a part it cannot do without ends, so that its supervisor restarts it
        FatalErrors.exitOnFatal();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Vigil())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Duration.class, new DurationConverter());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + HeartbeatProbe.agentVersion()};
        }
    }
}
