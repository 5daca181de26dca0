package io.vigil.app;

import io.vigil.events.EnvelopeCodec;
import io.vigil.lab.chaos.ChaosCampaign;
import io.vigil.lab.chaos.ChaosReport;
import io.vigil.lab.chaos.ChaosVerdict;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil lab chaos}: seeded random fault schedules against the failover, with its invariants checked at every step. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Plays random fault schedules derived from a seed against the lab's pair on the simulated clock",
                "(the rule pack, the failover saga and the agents' executors as production runs them) and checks the",
                "safety invariants after every step, and liveness and paging at the end of each run. The same seed",
                "gives the same schedules and verdicts; a failing run prints the command that replays it."},
        footer = {"", "Examples:", "  vigil lab chaos --seed 7 --runs 100", "  vigil lab chaos --seed 7 --run 42 --verbose",
                "  vigil lab chaos --seed 7 --runs 1000 --json"})
final class LabChaosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", description = "the seed the schedules derive from (default: 1)")
    long seed = 1;

    @Option(names = "--runs", paramLabel = "N", description = "play runs 1 to N (default: 20)")
    int runs = 20;

    @Option(names = "--run", paramLabel = "K", description = "play run K alone (with --verbose: its schedule and timeline)")
    Integer run;

    @Option(names = "--verbose", description = "print each run's schedule and timeline")
    boolean verbose;

    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the executors' journals live while a run plays (default: a temporary directory)")
    java.nio.file.Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 1 || (run != null && run < 1)) {
            err.println("vigil lab chaos: --runs and --run count from 1");
            return 2;
        }
        try (WorkDir dir = WorkDir.givenOrTemporary(dataDir, "vigil-chaos-")) {
            LabLog.toFile(dir.path().resolve("chaos.log"));
            ChaosCampaign campaign = new ChaosCampaign();
            ChaosReport report;
            if (run != null) {
                ChaosVerdict verdict = campaign.play(seed, run, dir.path());
                show(verdict, true, out);
                report = ChaosReport.of(verdict);
            } else {
                int[] done = {0};
                report = campaign.campaign(seed, runs, dir.path(), verdict -> {
                    done[0]++;
                    if (verbose) {
                        show(verdict, true, out);
                    } else if (!verdict.held()) {
                        show(verdict, false, out);
                    }
                    if (!json && (done[0] % 10 == 0 || done[0] == runs)) {
                        err.printf("vigil lab chaos: %d of %d runs played%n", done[0], runs);
                        err.flush();
                    }
                });
            }
            out.println(json ? EnvelopeCodec.json().writeValueAsString(report) : report.text());
            out.flush();
            return report.failed().isEmpty() ? 0 : 1;
        }
    }

    private static void show(ChaosVerdict v, boolean timeline, PrintWriter out) {
        out.println("run " + v.plan().run() + " of seed " + v.plan().seed() + ": " + (v.held() ? "every invariant held" : "VIOLATED"));
        v.plan().faults().forEach(f -> out.println("  fault " + f.line() + " at " + f.at().toSeconds() + " s"
                + (f.undoneAt().equals(f.at()) ? "" : ", undone at " + f.undoneAt().toSeconds() + " s")));
        v.violations().forEach(x -> out.println("  VIOLATION " + x));
        if (!v.held()) {
            out.println("  replay: " + v.plan().replay());
        }
        if (timeline) {
            v.timeline().forEach(l -> out.println("  " + l));
        }
        out.flush();
    }
}
