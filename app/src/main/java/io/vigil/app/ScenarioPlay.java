package io.vigil.app;

import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.history.HistoryConfig;
import io.vigil.lab.scenario.LivePlay;
import io.vigil.lab.scenario.Scenario;
import io.vigil.lab.scenario.ScenarioHistory;
import io.vigil.lab.scenario.ScenarioLoader;
import io.vigil.lab.scenario.ScenarioReport;
import io.vigil.lab.scenario.ScenarioRunner;
import io.vigil.sim.SimulatedPair;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code vigil lab --scenario NAME}: one story played unattended on the simulated pair and its
 * simulated clock (no broker: the rule pack, the saga and the agents' executors as production runs
 * them, in one thread, so the same story gives the same timeline every time), printed as a
 * timeline, or as one JSON summary with {@code --json}. With {@code --live}, the story plays on
 * the live lab instead (broker, engine in its own JVM, agents, notifier) on the wall clock.
 */
final class ScenarioPlay {
    private ScenarioPlay() {}

    /** Exit status: 0 when every safety invariant held, 1 when one broke, 2 for a scenario that cannot be read. */
    static int play(String nameOrPath, boolean live, boolean json, Path work, PrintWriter out, PrintWriter err)
            throws Exception {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(nameOrPath);
        } catch (IllegalArgumentException e) {
            err.println("vigil lab --scenario: " + e.getMessage());
            return 2;
        }
        if (!json) {
            out.println("scenario " + scenario.name() + " (" + scenario.end().toSeconds() + " s of "
                    + (live ? "wall-clock time on the live lab" : "simulated time") + ")");
            scenario.about().lines().forEach(l -> out.println("  " + l));
            out.println();
            out.flush();
        }
        ScenarioReport report;
        List<String> resyncs;
        Instant playedAt = Instant.now();
        try {
            if (live) {
                // a live play takes the story's own time: its progress goes to stderr, the timeline comes at the end
                report = LivePlay.play(scenario, work, line -> {
                    err.println("vigil lab --scenario --live: " + line);
                    err.flush();
                });
                // the live lab's engine kept its history in the same directory, on the wall clock
                try (ScenarioHistory history = ScenarioHistory.asRecorded(work)) {
                    resyncs = history.resyncLines(playedAt, Instant.now());
                }
            } else {
                try (ScenarioHistory history =
                        ScenarioHistory.forPlay(work, SimulatedPair.SEED_TIME, scenario.end(), playedAt)) {
                    report = ScenarioRunner.play(scenario, work, new ScenarioRunner.StepWatch() {
                        @Override
                        public void received(Envelope reportRead) {
                            history.received(reportRead);
                        }
                    });
                    resyncs =
                            history.resyncLines(SimulatedPair.SEED_TIME, SimulatedPair.SEED_TIME.plus(scenario.end()));
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("vigil lab --scenario: " + e.getMessage());
            return 2;
        }
        if (json) {
            out.println(EnvelopeCodec.json().writeValueAsString(report));
        } else {
            report.timeline().forEach(out::println);
            report.violations().forEach(v -> out.println("VIOLATION " + v));
            out.println();
            out.println(
                    "history (kept in " + work.resolve(HistoryConfig.DEFAULT_FILE) + "; ask it with vigil history):");
            if (resyncs.isEmpty()) {
                out.println("  no resync began during the play");
            }
            resyncs.forEach(r -> out.println("  " + r));
        }
        out.flush();
        return report.violations().isEmpty() ? 0 : 1;
    }

    /** The shipped scenarios, each with the first line of its story. */
    static void list(PrintWriter out) {
        for (String name : ScenarioLoader.shipped()) {
            String about =
                    String.join(" ", ScenarioLoader.load(name).about().lines().toList());
            int sentence = about.indexOf(". ");
            out.printf("%-26s %s%n", name, sentence < 0 ? about : about.substring(0, sentence + 1));
        }
        out.flush();
    }
}
