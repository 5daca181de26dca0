package io.vigil.lab.scenario;

import io.vigil.service.topology.ClusterTopology;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a story ended, read from the simulated pair's ground truth (roles, placement, boots) and
 * what the player saw (sagas, pages, broken invariants), added to its timeline as {@code final}
 * lines: the same for a story played on the rig and on the live lab, so the two can be compared.
 */
final class FinalState {
    private FinalState() {}

    static ScenarioReport report(
            String scenario,
            List<String> timelineSoFar,
            SimulatedPair pair,
            ClusterTopology cluster,
            Map<String, Integer> bootsBefore,
            List<ScenarioReport.SagaSummary> sagas,
            List<ScenarioReport.Page> pages,
            List<String> violations) {
        List<String> timeline = new ArrayList<>(timelineSoFar);
        Map<String, Map<String, String>> roles = new TreeMap<>();
        for (String resource : new TreeMap<>(cluster.resources()).keySet()) {
            Map<String, String> byNode = new TreeMap<>();
            for (SimulatedHost host : pair.hosts()) {
                byNode.put(
                        host.name(),
                        pair.poweredOn(host.name()) ? host.role(resource).wire() : "Unknown");
            }
            roles.put(resource, byNode);
            timeline.add("final   " + resource + " "
                    + byNode.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        Map<String, List<String>> placement = new TreeMap<>();
        for (SimulatedHost host : pair.hosts()) {
            List<String> running = cluster.vms().keySet().stream()
                    .filter(vm -> pair.hostsRunning(vm).contains(host.name()))
                    .sorted()
                    .toList();
            placement.put(host.name(), running);
            timeline.add(
                    "final   " + host.name() + " runs " + (running.isEmpty() ? "nothing" : String.join(" ", running)));
        }
        Map<String, Integer> restarts = new TreeMap<>();
        bootsBefore.forEach((vm, before) -> restarts.put(vm, pair.boots(vm) - before));
        String restarted = restarts.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        timeline.add("final   restarts: " + (restarted.isEmpty() ? "none" : restarted));
        for (ScenarioReport.SagaSummary s : sagas) {
            timeline.add("final   saga " + s.sagaId() + " " + s.way() + " ended " + s.phase() + ": "
                    + s.phases().stream()
                            .map(p -> p.phase() + " " + seconds(p.seconds()))
                            .collect(Collectors.joining(", ")));
        }
        timeline.add("final   pages: "
                + (pages.isEmpty()
                        ? "none"
                        : pages.stream()
                                .map(ScenarioReport.Page::alert)
                                .distinct()
                                .collect(Collectors.joining(", "))));
        timeline.add("final   invariants: " + (violations.isEmpty() ? "all held" : violations.size() + " broken"));
        return new ScenarioReport(scenario, timeline, roles, placement, restarts, sagas, pages, violations);
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? (long) s + "s" : String.format("%.1fs", s);
    }
}
