package io.vigil.app;

import io.vigil.events.EnvelopeCodec;
import io.vigil.lab.chaos.ChaosCampaign;
import io.vigil.lab.chaos.ChaosReport;
import io.vigil.lab.chaos.ChaosVerdict;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil lab chaos}: seeded random fault schedules against the failover, with its invariants checked at every step. */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = {
            "Plays random fault schedules derived from a seed against the lab's pair on the simulated clock "
                    + "(the rule pack, the failover saga and the agents' executors as production runs them) and checks the "
                    + "safety invariants after every step, and liveness and paging at the end of each run. The same seed "
                    + "gives the same schedules and verdicts; a failing run prints the command that replays it. With --live, "
                    + "the same schedules play on the live lab (real broker, engine in its own JVM, notifier) in real time."
        },
        footer = {
            "",
            "Examples:",
            "  vigil lab chaos --seed 7 --runs 100",
            "  vigil lab chaos --seed 7 --run 42 --verbose",
            "  vigil lab chaos --seed 7 --runs 1000 --json",
            "  vigil lab chaos --seed 7 --run 42 --live --verbose"
        })
final class LabChaosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", description = "the seed the schedules derive from (default: 1)")
    long seed = 1;

    @Option(names = "--runs", paramLabel = "N", description = "play runs 1 to N (default: 20)")
    int runs = 20;

    @Option(
            names = "--run",
            paramLabel = "K",
            description = "play run K alone (with --verbose: its schedule and timeline)")
    Integer run;

    @Option(names = "--verbose", description = "print each run's schedule and timeline")
    boolean verbose;

    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Option(
            names = "--live",
            description =
                    "play on the live lab instead, on the wall clock (about ten minutes a run): the real broker"
                            + " stopped and started, the engine in a JVM of its own killed with SIGKILL, pages at a webhook receiver")
    boolean live;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "where the executors' journals live while a run plays (default: a temporary directory)")
    java.nio.file.Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 1 || (run != null && run < 1)) {
            err.println("vigil lab chaos: --runs and --run count from 1");
            return 2;
        }
        long began = System.nanoTime();
        try (WorkDir dir = WorkDir.givenOrTemporary(dataDir, "vigil-chaos-")) {
            LabLog.toFile(dir.path().resolve("chaos.log"));
            ChaosCampaign campaign = new ChaosCampaign();
            ChaosReport report;
            if (live) {
                // a live run takes its schedule's own time: its steps show as they come
                java.util.function.Consumer<String> progress = line -> {
                    err.println("vigil lab chaos --live: " + line);
                    err.flush();
                };
                java.util.List<ChaosVerdict> played = new java.util.ArrayList<>();
                int first = run != null ? run : 1;
                int last = run != null ? run : this.runs;
                for (int k = first; k <= last; k++) {
                    ChaosVerdict verdict = campaign.playLive(seed, k, dir.path(), progress);
                    played.add(verdict);
                    show(verdict, verbose || run != null || !verdict.held(), true, out);
                }
                report = ChaosReport.of(seed, played);
            } else if (run != null) {
                ChaosVerdict verdict = campaign.play(seed, run, dir.path());
                show(verdict, true, false, out);
                report = ChaosReport.of(verdict);
            } else {
                int[] done = {0};
                report = campaign.campaign(seed, runs, dir.path(), verdict -> {
                    done[0]++;
                    if (verbose) {
                        show(verdict, true, false, out);
                    } else if (!verdict.held()) {
                        show(verdict, false, false, out);
                    }
                    if (!json && (done[0] % 10 == 0 || done[0] == runs)) {
                        err.printf("vigil lab chaos: %d of %d runs played%n", done[0], runs);
                        err.flush();
                    }
                });
            }
            // the harness's own speed, so that a user knows what 10,000 runs cost here
            double minutes = (System.nanoTime() - began) / 60e9;
            double perMinute = report.runs() / Math.max(minutes, 1e-9);
            if (json) {
                com.fasterxml.jackson.databind.node.ObjectNode tree =
                        EnvelopeCodec.json().valueToTree(report);
                tree.put("seconds", Math.round(minutes * 600) / 10.0)
                        .put("runsPerMinute", Math.round(perMinute * 10) / 10.0);
                out.println(EnvelopeCodec.json().writeValueAsString(tree));
            } else {
                out.print(report.text());
                out.printf(
                        java.util.Locale.ROOT,
                        "played %d run%s in %.1f s on this machine (%d cores): %.1f runs per minute;"
                                + " 10,000 runs would take about %s%n",
                        report.runs(),
                        report.runs() == 1 ? "" : "s",
                        minutes * 60,
                        Runtime.getRuntime().availableProcessors(),
                        perMinute,
                        about(10_000 / perMinute));
            }
            out.flush();
            return report.failed().isEmpty() ? 0 : 1;
        }
    }

    /** Minutes as a reader says them: "45 min", "3.2 h", "85 days". */
    private static String about(double minutes) {
        if (minutes < 90) {
            return String.format(java.util.Locale.ROOT, "%.0f min", Math.ceil(minutes));
        }
        return minutes < 48 * 60
                ? String.format(java.util.Locale.ROOT, "%.1f h", minutes / 60)
                : String.format(java.util.Locale.ROOT, "%.0f days", Math.ceil(minutes / 60 / 24));
    }

    private static void show(ChaosVerdict v, boolean timeline, boolean live, PrintWriter out) {
        out.println("run " + v.plan().run() + " of seed " + v.plan().seed() + ": "
                + (v.held() ? "every invariant held" : "VIOLATED"));
        v.plan()
                .faults()
                .forEach(f -> out.println("  fault " + f.line() + " at " + f.at().toSeconds() + " s"
                        + (f.undoneAt().equals(f.at())
                                ? ""
                                : ", undone at " + f.undoneAt().toSeconds() + " s")));
        v.violations().forEach(x -> out.println("  VIOLATION " + x));
        if (!v.held()) {
            out.println("  replay: " + v.plan().replay() + (live ? " --live" : ""));
        }
        if (timeline) {
            v.timeline().forEach(l -> out.println("  " + l));
        }
        out.flush();
    }
}
