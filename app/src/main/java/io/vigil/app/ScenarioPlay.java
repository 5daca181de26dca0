package io.vigil.app;

import io.vigil.events.EnvelopeCodec;
import io.vigil.lab.scenario.Scenario;
import io.vigil.lab.scenario.ScenarioLoader;
import io.vigil.lab.scenario.ScenarioReport;
import io.vigil.lab.scenario.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code vigil lab --scenario NAME}: one story played unattended on the simulated pair and its
 * simulated clock (no broker: the rule pack, the saga and the agents' executors as production runs
 * them, in one thread, so the same story gives the same timeline every time), printed as a
 * timeline, or as one JSON summary with {@code --json}.
 */
final class ScenarioPlay {
    private ScenarioPlay() {
    }

    /** Exit status: 0 when every safety invariant held, 1 when one broke, 2 for a scenario that cannot be read. */
    static int play(String nameOrPath, boolean json, Path work, PrintWriter out, PrintWriter err) throws Exception {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(nameOrPath);
        } catch (IllegalArgumentException e) {
            err.println("vigil lab --scenario: " + e.getMessage());
            return 2;
        }
        if (!json) {
            out.println("scenario " + scenario.name() + " (" + scenario.end().toSeconds() + " s of simulated time)");
            scenario.about().lines().forEach(l -> out.println("  " + l));
            out.println();
            out.flush();
        }
        ScenarioReport report;
        try {
            report = ScenarioRunner.play(scenario, work);
        } catch (IllegalArgumentException e) {
            err.println("vigil lab --scenario: " + e.getMessage());
            return 2;
        }
        if (json) {
            out.println(EnvelopeCodec.json().writeValueAsString(report));
        } else {
            report.timeline().forEach(out::println);
            report.violations().forEach(v -> out.println("VIOLATION " + v));
        }
        out.flush();
        return report.violations().isEmpty() ? 0 : 1;
    }

    /** The shipped scenarios, each with the first line of its story. */
    static void list(PrintWriter out) {
        for (String name : ScenarioLoader.shipped()) {
            String about = String.join(" ", ScenarioLoader.load(name).about().lines().toList());
            int sentence = about.indexOf(". ");
            out.printf("%-26s %s%n", name, sentence < 0 ? about : about.substring(0, sentence + 1));
        }
        out.flush();
    }
}
