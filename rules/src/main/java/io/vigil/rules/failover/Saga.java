package io.vigil.rules.failover;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One failover of one resource, as kept in the engine's changelogged store: the way decided at the
 * start, the failing node and the survivor, the phase and since when, every step sent and what
 * came of it, and what a human said. It changes only through {@link FailoverSaga}, on facts,
 * results, commands and time.
 *
 * @param number       this resource's failover count; with cluster and resource it makes the id
 * @param vms          the resource's VMs that this failover moves (decided at the start)
 * @param leftDown     VMs the survivor has no room for (paged)
 * @param heldBecause  why a safety rule or the flap guard holds it (phase HELD), for the page
 * @param stuckBecause the step, node and last output that ran out of retries (phase STUCK)
 */
public record Saga(String sagaId, String cluster, String resource, long number, FailoverWay way, String failing, String survivor,
                   SagaPhase phase, Instant startedAt, Instant phaseSince, String reason, List<String> evidence,
                   boolean approved, boolean failbackRequested, boolean goodDataRefused, Map<String, SagaStep> steps,
                   List<String> vms, List<String> leftDown, Optional<String> heldBecause, Optional<SagaPhase> heldFrom,
                   Optional<String> stuckBecause, List<PhaseVisit> history) {
    public Saga {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(way, "way");
        Objects.requireNonNull(phase, "phase");
        evidence = List.copyOf(evidence);
        steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        vms = List.copyOf(vms);
        leftDown = List.copyOf(leftDown);
        heldBecause = Objects.requireNonNullElse(heldBecause, Optional.empty());
        heldFrom = Objects.requireNonNullElse(heldFrom, Optional.empty());
        stuckBecause = Objects.requireNonNullElse(stuckBecause, Optional.empty());
        history = List.copyOf(history);
    }

    /** When the saga entered a phase. */
    public record PhaseVisit(SagaPhase phase, Instant at) {
    }

    public static String idOf(String cluster, String resource, long number) {
        return cluster + ":" + resource + ":" + number;
    }

    public Optional<SagaStep> step(String name) {
        return Optional.ofNullable(steps.get(name));
    }

    Saga withStep(SagaStep step) {
        Map<String, SagaStep> next = new LinkedHashMap<>(steps);
        next.put(step.name(), step);
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence,
                approved, failbackRequested, goodDataRefused, next, vms, leftDown, heldBecause, heldFrom, stuckBecause, history);
    }

    Saga inPhase(SagaPhase next, Instant now) {
        if (next == phase) {
            return this;
        }
        List<PhaseVisit> visits = new java.util.ArrayList<>(history);
        visits.add(new PhaseVisit(next, now));
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, next, startedAt, now, reason, evidence, approved,
                failbackRequested, goodDataRefused, steps, vms, leftDown, next == SagaPhase.HELD ? heldBecause : Optional.empty(),
                next == SagaPhase.HELD || next == SagaPhase.STUCK ? heldFrom : Optional.empty(), next == SagaPhase.STUCK ? stuckBecause : Optional.empty(), visits);
    }

    Saga held(String because, Instant now) {
        SagaPhase from = phase == SagaPhase.HELD ? heldFrom.orElse(SagaPhase.DEGRADED) : phase;
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence,
                approved, failbackRequested, goodDataRefused, steps, vms, leftDown, Optional.of(because), Optional.of(from), stuckBecause,
                history).inPhaseKeeping(SagaPhase.HELD, now);
    }

    Saga stuck(String because, Instant now) {
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence,
                approved, failbackRequested, goodDataRefused, steps, vms, leftDown, heldBecause, Optional.of(phase), Optional.of(because),
                history)
                .inPhaseKeeping(SagaPhase.STUCK, now);
    }

    /** Like {@link #inPhase} but keeps the held/stuck reasons just set. */
    private Saga inPhaseKeeping(SagaPhase next, Instant now) {
        List<PhaseVisit> visits = new java.util.ArrayList<>(history);
        if (next != phase) {
            visits.add(new PhaseVisit(next, now));
        }
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, next, startedAt, next == phase ? phaseSince : now,
                reason, evidence, approved, failbackRequested, goodDataRefused, steps, vms, leftDown, heldBecause, heldFrom, stuckBecause,
                visits);
    }

    Saga approvedNow() {
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence, true,
                failbackRequested, goodDataRefused, steps, vms, leftDown, heldBecause, heldFrom, stuckBecause, history);
    }

    Saga failbackRequestedNow() {
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence,
                approved, true, goodDataRefused, steps, vms, leftDown, heldBecause, heldFrom, stuckBecause, history);
    }

    Saga withGoodDataRefused() {
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence,
                approved, failbackRequested, true, steps, vms, leftDown, heldBecause, heldFrom, stuckBecause, history);
    }

    Saga withLeftDown(List<String> down) {
        return new Saga(sagaId, cluster, resource, number, way, failing, survivor, phase, startedAt, phaseSince, reason, evidence,
                approved, failbackRequested, goodDataRefused, steps, vms, down, heldBecause, heldFrom, stuckBecause, history);
    }
}
