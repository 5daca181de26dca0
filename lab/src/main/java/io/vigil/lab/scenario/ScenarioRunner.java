package io.vigil.lab.scenario;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.Envelope;
import io.vigil.events.FailoverCommand;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.Saga;
import io.vigil.service.config.ConfigException;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyLoader;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Plays a {@link Scenario} on the seed pair with the {@link FailoverRig}: the schedule's steps at
 * their times on the simulated clock, then the final state, appended to the timeline as
 * {@code final} lines so that the expected file holds the outcome as well as the way there.
 */
public final class ScenarioRunner {
    private ScenarioRunner() {}

    /**
     * Throws IllegalArgumentException when the scenario's topology does not load or does not fit
     * the pair; {@code work} holds the executors' journals.
     */
    public static ScenarioReport play(Scenario scenario, Path work) throws IOException, InterruptedException {
        return play(scenario, work, StepWatch.NONE);
    }

    /** What a caller sees while a story plays: each step of the schedule applied, and the pair after each step of time. */
    public interface StepWatch {
        StepWatch NONE = new StepWatch() {};

        /** {@code outcome} is the fault's, for a fault; empty for the other steps. */
        default void applied(ScenarioStep step, Optional<FaultOutcome> outcome, Stage stage) {}

        default void stepped(Stage stage) {}

        /** Each report the engine read, as it read it (the lab's history keeps them). */
        default void received(Envelope report) {}

        /** Whether the story should stop here (a chaos run stops at its first broken invariant); the report is of what played. */
        default boolean stop() {
            return false;
        }
    }

    /** The same, reporting to {@code watch} as it goes. */
    public static ScenarioReport play(Scenario scenario, Path work, StepWatch watch)
            throws IOException, InterruptedException {
        Topology topology;
        try {
            topology = TopologyLoader.parse(scenario.topologyFile(), scenario.topologyText())
                    .topology();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("scenario " + scenario.name() + ": " + e.getMessage(), e);
        }
        SimulatedPair pair = SimulatedPair.seed();
        Instant start = pair.now();
        ClusterTopology cluster = topology.clusters().values().iterator().next();
        Map<String, Integer> bootsBefore = new TreeMap<>();
        cluster.vms().keySet().forEach(vm -> bootsBefore.put(vm, pair.boots(vm)));
        try (FailoverRig rig = new FailoverRig(pair, topology, work, watch::received)) {
            for (Scenario.Timed timed : scenario.schedule()) {
                playUntil(rig, start.plus(timed.at()), scenario.step(), watch);
                if (watch.stop()) {
                    break;
                }
                watch.applied(timed.step(), apply(rig, timed.step()), rig);
            }
            playUntil(rig, start.plus(scenario.end()), scenario.step(), watch);
            return report(scenario, rig, cluster, bootsBefore);
        }
    }

    private static void playUntil(FailoverRig rig, Instant until, Duration step, StepWatch watch)
            throws InterruptedException {
        while (rig.pair().now().isBefore(until) && !watch.stop()) {
            rig.step(step);
            watch.stepped(rig);
        }
    }

    private static Optional<FaultOutcome> apply(FailoverRig rig, ScenarioStep step) {
        if (step instanceof ScenarioStep.InjectFault f) {
            return Optional.of(rig.inject(f.fault()));
        } else if (step instanceof ScenarioStep.Approve a) {
            rig.command(FailoverCommand.Verb.APPROVE, a.resource(), currentSaga(rig, a.resource()));
        } else if (step instanceof ScenarioStep.Failback f) {
            rig.command(FailoverCommand.Verb.FAILBACK, f.resource(), currentSaga(rig, f.resource()));
        } else if (step instanceof ScenarioStep.RestartEngine) {
            rig.restartEngine();
        } else if (step instanceof ScenarioStep.CrashEngine) {
            rig.crashEngine();
        } else if (step instanceof ScenarioStep.Agent agent) {
            try {
                if (agent.running()) {
                    rig.startAgent(agent.node());
                } else {
                    rig.killAgent(agent.node());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "the agent of " + agent.node() + " could not " + (agent.running() ? "start" : "stop") + ": "
                                + e.getMessage(),
                        e);
            }
        } else if (step instanceof ScenarioStep.Kafka k) {
            if (k.up()) {
                rig.kafkaUp();
            } else {
                rig.kafkaDown();
            }
        } else if (step instanceof ScenarioStep.Operator o) {
            rig.operator(o.node(), o.argv());
        }
        return Optional.empty();
    }

    /** The saga a human would name, as {@code vigil sagas} shows it; empty when the resource has none running. */
    private static String currentSaga(FailoverRig rig, String resource) {
        return rig.failovers().stream()
                .map(ResourceFailovers::current)
                .flatMap(Optional::stream)
                .filter(s -> s.resource().equals(resource))
                .map(Saga::sagaId)
                .findFirst()
                .orElse("");
    }

    private static ScenarioReport report(
            Scenario scenario, FailoverRig rig, ClusterTopology cluster, Map<String, Integer> bootsBefore) {
        return FinalState.report(
                scenario.name(),
                rig.timeline(),
                rig.pair(),
                cluster,
                bootsBefore,
                sagas(rig, rig.pair().now()),
                pages(rig),
                rig.violations());
    }

    private static List<ScenarioReport.SagaSummary> sagas(FailoverRig rig, Instant end) {
        List<Saga> all = new ArrayList<>();
        for (ResourceFailovers r : rig.failovers()) {
            all.addAll(r.recent());
            r.current().ifPresent(all::add);
        }
        all.sort(Comparator.comparing(Saga::startedAt).thenComparing(Saga::sagaId));
        Map<String, ScenarioReport.SagaSummary> byId = new LinkedHashMap<>();
        for (Saga saga : all) {
            List<ScenarioReport.PhaseTime> phases = new ArrayList<>();
            List<Saga.PhaseVisit> visits = saga.history();
            for (int i = 0; i < visits.size(); i++) {
                Instant until = i + 1 < visits.size()
                        ? visits.get(i + 1).at()
                        : saga.phase().ended() ? visits.get(i).at() : end;
                phases.add(new ScenarioReport.PhaseTime(
                        visits.get(i).phase().word(),
                        Duration.between(visits.get(i).at(), until).toMillis() / 1000.0));
            }
            byId.put(
                    saga.sagaId(),
                    new ScenarioReport.SagaSummary(
                            saga.sagaId(),
                            saga.resource(),
                            saga.way().wire(),
                            saga.phase().word(),
                            phases));
        }
        return List.copyOf(byId.values());
    }

    private static List<ScenarioReport.Page> pages(FailoverRig rig) {
        List<Alert> sent = new ArrayList<>();
        // a silenced or inhibited alert stands but pages nobody (the notifier skips it)
        rig.alerts().stream()
                .filter(a -> a.state() == AlertState.FIRING
                        && "critical".equals(a.labels().get("severity"))
                        && !a.suppressed())
                .forEach(sent::add);
        rig.pages().stream().filter(a -> a.state() == AlertState.FIRING).forEach(sent::add);
        sent.sort(Comparator.comparing(Alert::sentAt));
        return sent.stream()
                .map(a -> new ScenarioReport.Page(
                        rig.secondsSinceStart(a.sentAt()),
                        a.rule(),
                        a.labels().getOrDefault("node", ""),
                        a.labels().getOrDefault("resource", "")))
                .toList();
    }
}
