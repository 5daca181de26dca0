package io.vigil.rules.failover;

import io.vigil.events.Action;
import io.vigil.events.ActionResult;
import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.Envelope;
import io.vigil.events.FailoverCommand;
import io.vigil.rules.engine.StateTable;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.ResourceTopology;
import io.vigil.service.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failovers of the clusters one engine task holds: it keeps each cluster's facts, starts a saga
 * where {@link FailureDiagnosis} finds a reason and none runs for the resource, and hands facts,
 * results, commands and time to {@link FailoverSaga}. Everything it keeps is in two tables (facts
 * per cluster, failovers per resource), which the engine changelogs, so an instance that takes
 * over resumes every saga where it stood. Clusters without a topology are only watched.
 */
public final class ClusterFailovers {
    private static final Logger log = LoggerFactory.getLogger(ClusterFailovers.class);
    private final Topology topology;
    private final FailoverSaga saga;
    private final FailureDiagnosis diagnosis;
    private final SagaPages pages;
    private final StateTable<ClusterFacts> facts;
    private final StateTable<ResourceFailovers> failovers;

    /**
     * A node's DRBD report older than this proves nothing about now: three of the agent's default
     * statistics refreshes (10 s), so one lost refresh does not hold a failover.
     */
    public static final Duration FACT_AGE = Duration.ofSeconds(30);

    /** The failover as the engine and the lab run it: the guard and the diagnosis judge facts by {@link #FACT_AGE}. */
    public static ClusterFailovers of(
            Topology topology,
            SagaPages pages,
            StateTable<ClusterFacts> facts,
            StateTable<ResourceFailovers> failovers) {
        return new ClusterFailovers(
                topology,
                new FailoverSaga(new PromotionGuard(FACT_AGE)),
                new FailureDiagnosis(FACT_AGE),
                pages,
                facts,
                failovers);
    }

    public ClusterFailovers(
            Topology topology,
            FailoverSaga saga,
            FailureDiagnosis diagnosis,
            SagaPages pages,
            StateTable<ClusterFacts> facts,
            StateTable<ResourceFailovers> failovers) {
        this.topology = topology;
        this.saga = saga;
        this.diagnosis = diagnosis;
        this.pages = pages;
        this.facts = facts;
        this.failovers = failovers;
    }

    /** Table key of a resource's failovers. */
    public static String key(String cluster, String resource) {
        return cluster + "/" + resource;
    }

    public FailoverOutput onEvent(Envelope envelope, Instant now) {
        Optional<ClusterTopology> cluster = topology.cluster(envelope.cluster());
        if (cluster.isEmpty() || cluster.get().node(envelope.node()).isEmpty()) {
            return FailoverOutput.NONE;
        }
        ClusterFacts known = facts.get(envelope.cluster()).orElse(ClusterFacts.empty(envelope.cluster()));
        ClusterFacts next = known.with(envelope, now);
        if (next != known) {
            facts.put(envelope.cluster(), next);
        }
        Collector out = new Collector();
        if (envelope.body() instanceof ActionResult result) {
            for (ResourceTopology resource : cluster.get().resources().values()) {
                ResourceFailovers entry =
                        failovers.get(key(envelope.cluster(), resource.name())).orElse(ResourceFailovers.NONE);
                if (entry.current().isPresent()
                        && result.actionId().startsWith(entry.current().get().sagaId() + ":")) {
                    FailoverSaga.Progress p = saga.onResult(entry.current().get(), result, envelope.node(), now);
                    store(entry, p, out, now);
                }
            }
        }
        evaluate(cluster.get(), next, now, out);
        return out.output();
    }

    public FailoverOutput onAlert(Alert alert, Instant now) {
        Optional<String> name = alert.label("cluster");
        Optional<ClusterTopology> cluster = name.flatMap(topology::cluster);
        if (cluster.isEmpty()) {
            return FailoverOutput.NONE;
        }
        ClusterFacts next =
                facts.get(name.get()).orElse(ClusterFacts.empty(name.get())).with(alert);
        facts.put(name.get(), next);
        Collector out = new Collector();
        evaluate(cluster.get(), next, now, out);
        return out.output();
    }

    public FailoverOutput onCommand(FailoverCommand command, Instant now) {
        Optional<ClusterTopology> cluster = topology.cluster(command.cluster());
        Collector out = new Collector();
        if (cluster.isEmpty() || !cluster.get().resources().containsKey(command.resource())) {
            log.warn(
                    "failover command {} for {}/{} by {} ignored: no such resource in the topology",
                    command.verb().wire(),
                    command.cluster(),
                    command.resource(),
                    command.by());
            return FailoverOutput.NONE;
        }
        ResourceFailovers entry =
                failovers.get(key(command.cluster(), command.resource())).orElse(ResourceFailovers.NONE);
        Optional<Saga> current = entry.current();
        // a command is for one saga: an approval names it; a failback may name it (the API does), and one given before
        // the saga began (a late or replayed record) was meant for an earlier one
        boolean forAnother = current.isPresent()
                && (command.verb() == FailoverCommand.Verb.APPROVE
                        || !command.sagaId().isEmpty())
                && !current.get().sagaId().equals(command.sagaId());
        if (current.isEmpty()
                || forAnother
                || command.at().isBefore(current.get().startedAt())) {
            log.warn(
                    "failover command {} {} by {} at {} ignored: {}",
                    command.verb().wire(),
                    command.sagaId().isEmpty() ? command.resource() : command.sagaId(),
                    command.by(),
                    command.at(),
                    current.map(s -> "the failover in progress is " + s.sagaId() + ", begun at " + s.startedAt())
                            .orElse("no failover of " + command.resource() + " is in progress"));
            return FailoverOutput.NONE;
        }
        FailoverSaga.Progress p = command.verb() == FailoverCommand.Verb.APPROVE
                ? saga.approve(current.get(), command.by(), now)
                : saga.failback(current.get(), command.by(), now);
        store(entry, p, out, now);
        evaluate(cluster.get(), facts.get(command.cluster()).orElse(ClusterFacts.empty(command.cluster())), now, out);
        return out.output();
    }

    /** Lets time pass for the clusters this task holds: timeouts, silent hosts, page resends. */
    public FailoverOutput onTick(Instant now, Predicate<String> holds) {
        Collector out = new Collector();
        for (ClusterTopology cluster : topology.clusters().values()) {
            if (holds.test(cluster.name())) {
                evaluate(cluster, facts.get(cluster.name()).orElse(ClusterFacts.empty(cluster.name())), now, out);
            }
        }
        return out.output();
    }

    /** Every saga of the clusters this task holds, current first: for {@code vigil sagas}. */
    public List<ResourceFailovers> all() {
        return failovers.all().stream().map(Map.Entry::getValue).toList();
    }

    private void evaluate(ClusterTopology cluster, ClusterFacts known, Instant now, Collector out) {
        List<Instant> starts = starts(cluster.name());
        for (ResourceTopology resource : cluster.resources().values().stream()
                .sorted(Comparator.comparing(ResourceTopology::name))
                .toList()) {
            String key = key(cluster.name(), resource.name());
            ResourceFailovers entry = failovers.get(key).orElse(ResourceFailovers.NONE);
            Optional<Trigger> trigger = diagnosis.diagnose(cluster, resource, known, now);
            if (entry.current().isEmpty()) {
                if (trigger.isEmpty()) {
                    continue;
                }
                entry = entry.counted();
                FailoverSaga.Progress begun =
                        saga.start(cluster.name(), resource.name(), entry.count(), resource.vms(), trigger.get(), now);
                log.info(
                        "failover {} begins: {} of {} from {} to {}: {}",
                        begun.saga().sagaId(),
                        trigger.get().way().words(),
                        resource.name(),
                        trigger.get().failing(),
                        trigger.get().survivor(),
                        trigger.get().reason());
                entry = store(entry, begun, out, now);
            }
            Saga current = entry.current().orElseThrow();
            if (!current.phase().acting()
                    && current.steps().isEmpty()
                    && !sameTrigger(current, trigger)
                    && (trigger.isPresent() || diagnosis.cleared(cluster, resource, known, current.failing(), now))) {
                // the failure cleared before anything was done (or another host now fails): nothing to undo
                FailoverSaga.Progress closed = new FailoverSaga.Progress(
                        current.inPhase(SagaPhase.HEALTHY, now),
                        List.of(),
                        List.of(FailoverSaga.entry(
                                current.inPhase(SagaPhase.HEALTHY, now),
                                now,
                                AuditKind.DECISION,
                                "Healthy: the failure cleared before anything was done",
                                List.of())));
                store(entry, closed, out, now);
                continue;
            }
            FailoverSaga.Progress p = saga.advance(current, cluster, known, starts, now);
            entry = store(entry, p, out, now);
        }
    }

    private static boolean sameTrigger(Saga saga, Optional<Trigger> trigger) {
        return trigger.isPresent() && trigger.get().failing().equals(saga.failing());
    }

    /** When this cluster's failovers began to act, for the flap guard. */
    private List<Instant> starts(String cluster) {
        List<Instant> starts = new ArrayList<>();
        for (Map.Entry<String, ResourceFailovers> e : failovers.withPrefix(cluster + "/")) {
            List<Saga> all = new ArrayList<>(e.getValue().recent());
            e.getValue().current().ifPresent(all::add);
            for (Saga s : all) {
                s.history().stream().filter(v -> v.phase().acting()).findFirst().ifPresent(v -> starts.add(v.at()));
            }
        }
        return starts;
    }

    private ResourceFailovers store(ResourceFailovers entry, FailoverSaga.Progress p, Collector out, Instant now) {
        Saga next = p.saga();
        boolean resyncRuns = facts.get(next.cluster())
                .map(f -> f.resyncRuns(next.resource(), now, FACT_AGE))
                .orElse(false);
        SagaPages.Due due = pages.due(next, entry.pages(), now, resyncRuns);
        ResourceFailovers stored =
                entry.withCurrent(next).withPages(next.phase().ended() ? Map.of() : due.sent());
        if (next.phase() != entry.current().map(Saga::phase).orElse(null)) {
            log.info(
                    "failover {} of {}/{}: {}{}",
                    next.sagaId(),
                    next.cluster(),
                    next.resource(),
                    next.phase().word(),
                    next.phase() == SagaPhase.HELD
                            ? " (" + next.heldBecause().orElse("") + ")"
                            : next.phase() == SagaPhase.STUCK
                                    ? " (" + next.stuckBecause().orElse("") + ")"
                                    : "");
        }
        failovers.put(key(next.cluster(), next.resource()), stored);
        out.actions.addAll(p.actions());
        out.audit.addAll(p.audit());
        out.pages.addAll(due.alerts());
        out.changes.add(new SagaChange(entry.current(), next));
        return stored;
    }

    private static final class Collector {
        final List<Action> actions = new ArrayList<>();
        final List<AuditEntry> audit = new ArrayList<>();
        final List<Alert> pages = new ArrayList<>();
        final List<SagaChange> changes = new ArrayList<>();

        FailoverOutput output() {
            return new FailoverOutput(actions, audit, pages, changes);
        }
    }
}
