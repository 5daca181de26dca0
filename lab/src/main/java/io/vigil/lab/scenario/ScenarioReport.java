package io.vigil.lab.scenario;

import java.util.List;
import java.util.Map;

/**
 * What a scenario left behind: its timeline (the lines its {@code expected} file holds) and the
 * summary {@code vigil lab --scenario NAME --json} prints.
 *
 * @param roles      per resource, each node's DRBD role at the end ("Primary", "Secondary", "Unknown" for a host that is off)
 * @param placement  per node, the VMs running there at the end
 * @param restarts   per VM, how often its guest booted during the story (a live migration is no boot)
 * @param pages      the pages sent: critical alerts of the rule pack and the failover's own, as they fired
 * @param violations the safety invariants broken, each with its step (none is the goal)
 */
public record ScenarioReport(
        String scenario,
        List<String> timeline,
        Map<String, Map<String, String>> roles,
        Map<String, List<String>> placement,
        Map<String, Integer> restarts,
        List<SagaSummary> sagas,
        List<Page> pages,
        List<String> violations) {
    public ScenarioReport {
        timeline = List.copyOf(timeline);
        sagas = List.copyOf(sagas);
        pages = List.copyOf(pages);
        violations = List.copyOf(violations);
    }

    /** One failover: its way out, where it ended, and how long it spent in each phase (the last until the story ended). */
    public record SagaSummary(String sagaId, String resource, String way, String phase, List<PhaseTime> phases) {}

    public record PhaseTime(String phase, double seconds) {}

    public record Page(double atSeconds, String alert, String node, String resource) {}
}
