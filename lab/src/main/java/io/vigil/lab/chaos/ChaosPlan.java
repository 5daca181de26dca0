package io.vigil.lab.chaos;

import io.vigil.lab.scenario.Scenario;
import java.time.Duration;
import java.util.List;

/**
 * One chaos run's schedule, derived from its seed and number alone: the story to play, and the
 * faults in it with when they start and when they are undone.
 *
 * @param faultsStop when the last fault is undone; the grace period runs from there to the end
 */
public record ChaosPlan(long seed, int run, Scenario scenario, List<Injected> faults, Duration faultsStop) {
    public ChaosPlan {
        faults = List.copyOf(faults);
    }

    /** A fault of the run: its kind (the fault's first word), its line, and when it starts and ends. */
    public record Injected(String kind, String line, Duration at, Duration undoneAt) {}

    /** The command line that replays exactly this run, with its timeline. */
    public String replay() {
        return "./vigil lab chaos --seed " + seed + " --run " + run + " --verbose";
    }
}
