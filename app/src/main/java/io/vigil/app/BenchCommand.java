package io.vigil.app;

import picocli.CommandLine.Command;

/** {@code vigil bench}: measurements that print figures; none of them fails on time. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measures and prints; compare figures as ratios to the baseline each bench runs in the same process.",
        subcommands = {
            ParserBench.class,
            AgentBench.class,
            EngineBench.class,
            PageBench.class,
            FailoverBench.class,
            FloodBench.class,
            HistoryBench.class
        })
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
