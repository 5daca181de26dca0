package io.vigil.lab.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A story played on the simulated pair, as its folder holds it: what it is about, the topology
 * it runs with, its schedule, how long it plays, and the timeline it is expected to produce
 * (absent for a story being written).
 *
 * @param topologyFile the name the topology's problems are reported under
 */
public record Scenario(
        String name,
        String about,
        String topologyFile,
        String topologyText,
        List<Timed> schedule,
        Duration step,
        Duration end,
        Optional<List<String>> expected) {
    public Scenario {
        Objects.requireNonNull(name, "name");
        schedule = List.copyOf(schedule);
        expected = Objects.requireNonNullElse(expected, Optional.<List<String>>empty())
                .map(l -> List.copyOf(l));
    }

    /** A step of the schedule, at its time since the start, with the schedule line it came from. */
    public record Timed(Duration at, int line, ScenarioStep step) {}
}
