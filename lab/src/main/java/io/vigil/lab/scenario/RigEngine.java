package io.vigil.lab.scenario;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.Envelope;
import io.vigil.events.FailoverCommand;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTables;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.EvaluationListener;
import io.vigil.rules.engine.MapStateTable;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.engine.RuleEvaluator;
import io.vigil.rules.engine.StateTable;
import io.vigil.rules.engine.Suppression;
import io.vigil.rules.failover.ClusterFacts;
import io.vigil.rules.failover.ClusterFailovers;
import io.vigil.rules.failover.FailoverOutput;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.SagaHolds;
import io.vigil.rules.failover.SagaPages;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.rule.RuleSet;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The engine of the rig: the rule pack's evaluator and the failover over the stores an engine
 * instance keeps, as one instance runs them on its partition, without Kafka. It can be replaced
 * by a new instance between commits ({@link #restart}) or killed inside one ({@link #begin} then
 * {@link #crash}): the step's store changes and outputs are then lost together, and the new
 * instance processes the step's records again, as after an aborted exactly-once transaction.
 */
final class RigEngine {
    /** Where what the engine produces goes: the alert records it publishes, and the failover's actions, audit and pages. */
    interface Outputs {
        /** A record the engine reads, as it reads it (also again, after a crash). */
        void received(Envelope envelope);

        void published(Alert alert);

        void failover(FailoverOutput out);
    }

    private final Topology topology;
    private final Roster roster;
    private final Supplier<Instant> now;
    private final Outputs outputs;
    private final RuleSet rules = DefaultRulePack.load();
    private final MapStateTable<ClusterFacts> factStore = new MapStateTable<>();
    private final MapStateTable<ResourceFailovers> sagaStore = new MapStateTable<>();
    private final EngineTables ruleStores = EngineTables.inMemory();
    private ClusterFailovers failovers;
    private RuleEvaluator evaluator;
    /** The step's records while it may still be lost (between {@link #begin} and {@link #crash}), to process again. */
    private List<Envelope> transaction;
    /** What the engine produced in that step, published only if it is not lost. */
    private final List<Runnable> held = new ArrayList<>();

    private Runnable rollback = () -> {};

    RigEngine(Topology topology, ClusterTopology cluster, Supplier<Instant> now, Outputs outputs) {
        this.topology = topology;
        this.roster = new Roster(Map.of(cluster.name(), new Roster.ClusterSpec(cluster.nodeNames(), Map.of())));
        this.now = now;
        this.outputs = outputs;
        start();
    }

    /** A new instance over the stores: what it knows comes from them, nothing from the instance before it. */
    private void start() {
        failovers = ClusterFailovers.of(
                topology, new SagaPages(Duration.ofMinutes(1), Duration.ofMinutes(4)), factStore, sagaStore);
        evaluator = new RuleEvaluator(
                rules,
                roster,
                EngineTiming.DEFAULTS,
                EngineLimits.DEFAULTS,
                ruleStores,
                Suppression.of(List::of, rules, new SagaHolds(sagaStore, factStore)),
                EvaluationListener.NONE,
                now.get(),
                c -> true);
    }

    /** The instance dies between two commits and another takes its partition. */
    void restart() {
        start();
    }

    /** A step begins that will be lost; {@code alsoRollBack} puts back what a watcher counted of it. */
    void begin(Runnable alsoRollBack) {
        List<Runnable> restores = List.of(
                kept(factStore),
                kept(sagaStore),
                kept(ruleStores.scopes()),
                kept(ruleStores.presence()),
                kept(ruleStores.previous()),
                alsoRollBack);
        rollback = () -> restores.forEach(Runnable::run);
        transaction = new ArrayList<>();
    }

    /**
     * The instance is killed before the commit of the step {@link #begin} opened: its outputs and
     * store changes are lost ({@code killed} is told how many outputs, of how many records), and a
     * new instance processes the same records again.
     */
    void crash(BiConsumer<Integer, Integer> killed) {
        int lost = held.size();
        held.clear();
        List<Envelope> redo = transaction;
        transaction = null;
        rollback.run();
        killed.accept(lost, redo.size());
        start();
        for (Envelope envelope : redo) {
            receive(envelope);
        }
        tick();
    }

    void receive(Envelope envelope) {
        if (transaction != null) {
            transaction.add(envelope);
        }
        outputs.received(envelope);
        alerts(evaluator.onEvent(envelope, now.get()));
        take(failovers.onEvent(envelope, now.get()));
    }

    /** The engine's clock work: pending alerts fire, silences are noticed, sagas time out. */
    void tick() {
        take(failovers.onTick(now.get(), c -> true));
        alerts(evaluator.onTick(now.get()));
    }

    void command(FailoverCommand command) {
        take(failovers.onCommand(command, now.get()));
    }

    List<ResourceFailovers> failovers() {
        return failovers.all();
    }

    private void alerts(List<Alert> alerts) {
        for (Alert alert : alerts) {
            if (alert.change() == AlertChange.STATE || alert.change() == AlertChange.SUPPRESSION) {
                if (transaction != null) {
                    held.add(() -> outputs.published(alert)); // published with the commit, or lost with the instance
                } else {
                    outputs.published(alert);
                }
            }
            // inside the engine an alert feeds the failover at once
            take(failovers.onAlert(alert, now.get()));
        }
    }

    private void take(FailoverOutput out) {
        if (transaction != null) {
            held.add(() -> outputs.failover(out)); // what leaves the engine waits for its commit
        } else {
            outputs.failover(out);
        }
    }

    private static <V> Runnable kept(StateTable<V> table) {
        List<Map.Entry<String, V>> was = table.all();
        return () -> {
            table.all().forEach(e -> table.delete(e.getKey()));
            was.forEach(e -> table.put(e.getKey(), e.getValue()));
        };
    }
}
