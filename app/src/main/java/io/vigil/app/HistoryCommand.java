package io.vigil.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil history}: what the engine's history kept, asked through its API. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "Asks an engine's history: replication latency and lag over time, resync episodes, a resource's DRBD state "
                    + "timeline, and the alerts sent. Times are shown in UTC."
        },
        subcommands = {HistorySyncLatency.class, HistoryResyncs.class, HistoryStates.class, HistoryAlerts.class},
        footer = {"", "Example: vigil history sync-latency --resource r0 --since 90d --step 1d --plot r0.svg"})
final class HistoryCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name what to ask: sync-latency, resyncs, states or alerts");
    }
}
