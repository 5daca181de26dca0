package io.vigil.rules.failover;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * @param heldBy       what holds it (phase HELD): a {@link SafetyRule}'s name, or what fact is missing; a hold by the
 *                     same thing is one hold, however its wording (which quotes the latest report) changes
 * @param heldBecause  why, in words, for the page
 * @param stuckBecause the step, node and last output that ran out of retries (phase STUCK)
 */
public record Saga(
        String sagaId,
        String cluster,
        String resource,
        long number,
        FailoverWay way,
        String failing,
        String survivor,
        SagaPhase phase,
        Instant startedAt,
        Instant phaseSince,
        String reason,
        List<String> evidence,
        boolean approved,
        boolean failbackRequested,
        boolean goodDataRefused,
        Map<String, SagaStep> steps,
        List<String> vms,
        List<String> leftDown,
        Optional<String> heldBy,
        Optional<String> heldBecause,
        Optional<SagaPhase> heldFrom,
        Optional<String> stuckBecause,
        List<PhaseVisit> history) {
    public Saga {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(way, "way");
        Objects.requireNonNull(phase, "phase");
        evidence = List.copyOf(evidence);
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        vms = List.copyOf(vms);
        leftDown = List.copyOf(leftDown);
        heldBy = Objects.requireNonNullElse(heldBy, Optional.empty());
        heldBecause = Objects.requireNonNullElse(heldBecause, Optional.empty());
        heldFrom = Objects.requireNonNullElse(heldFrom, Optional.empty());
        stuckBecause = Objects.requireNonNullElse(stuckBecause, Optional.empty());
        history = List.copyOf(history);
    }

    /** When the saga entered a phase. */
    public record PhaseVisit(SagaPhase phase, Instant at) {}

    public static String idOf(String cluster, String resource, long number) {
        return cluster + ":" + resource + ":" + number;
    }

    /**
     * Whether this saga has put its VMs on the survivor, or is putting them there, and still holds
     * them: it went through {@link SagaPhase#EVACUATING} or {@link SagaPhase#STARTING} and has not
     * ended. Held or stuck after that, its VMs are still where it put them.
     */
    public boolean movedVms() {
        return !phase.ended()
                && history.stream().anyMatch(v -> v.phase() == SagaPhase.EVACUATING || v.phase() == SagaPhase.STARTING);
    }

    /**
     * Since when the saga is held, without a break seen between two inputs: a hold that lifts and is taken again (by the
     * same or another rule) at the same instant, within one evaluation, never stopped holding it, and its page's wait
     * ({@link SagaPages#HOLD_SETTLING}) goes on from the first. Empty when the saga is not held.
     */
    public Optional<Instant> heldSince() {
        if (phase != SagaPhase.HELD) {
            return Optional.empty();
        }
        int start = history.size() - 1;
        while (start > 0) {
            int first = start;
            // the visits of one evaluation share its instant: the phase before them is where the saga stood in between
            while (first > 0
                    && history.get(first - 1).at().equals(history.get(start).at())) {
                first--;
            }
            if (first == 0 || history.get(first - 1).phase() != SagaPhase.HELD) {
                break;
            }
            start = first - 1;
        }
        return Optional.of(history.isEmpty() ? phaseSince : history.get(start).at());
    }

    public Optional<SagaStep> step(String name) {
        return Optional.ofNullable(steps.get(name));
    }

    Saga withStep(SagaStep step) {
        Draft d = new Draft(this);
        d.steps.put(step.name(), step);
        return d.build();
    }

    /** The saga in phase {@code next} since {@code now}; a held or stuck saga's reasons are dropped once it leaves. */
    Saga inPhase(SagaPhase next, Instant now) {
        if (next == phase) {
            return this;
        }
        Draft d = new Draft(this).enter(next, now);
        if (next != SagaPhase.HELD) {
            d.heldBy = Optional.empty();
            d.heldBecause = Optional.empty();
        }
        if (next != SagaPhase.HELD && next != SagaPhase.STUCK) {
            d.heldFrom = Optional.empty();
        }
        if (next != SagaPhase.STUCK) {
            d.stuckBecause = Optional.empty();
        }
        return d.build();
    }

    /** Held by a safety rule, the flap guard or missing facts; remembers the phase to try again ({@code heldFrom}). */
    Saga held(String by, String because, Instant now) {
        Draft d = new Draft(this);
        d.heldBy = Optional.of(by);
        d.heldBecause = Optional.of(because);
        d.heldFrom = Optional.of(phase == SagaPhase.HELD ? heldFrom.orElse(SagaPhase.DEGRADED) : phase);
        return d.enter(SagaPhase.HELD, now).build();
    }

    /** Out of retries on a step; remembers the phase it was in, where {@code vigil approve} resumes. */
    Saga stuck(String because, Instant now) {
        Draft d = new Draft(this);
        d.heldFrom = Optional.of(phase);
        d.stuckBecause = Optional.of(because);
        return d.enter(SagaPhase.STUCK, now).build();
    }

    Saga approvedNow() {
        Draft d = new Draft(this);
        d.approved = true;
        return d.build();
    }

    Saga failbackRequestedNow() {
        Draft d = new Draft(this);
        d.failbackRequested = true;
        return d.build();
    }

    Saga withGoodDataRefused() {
        Draft d = new Draft(this);
        d.goodDataRefused = true;
        return d.build();
    }

    Saga withLeftDown(List<String> down) {
        Draft d = new Draft(this);
        d.leftDown = down;
        return d.build();
    }

    /** A saga being changed: the fields that change, the rest taken as they were. */
    private static final class Draft {
        private final Saga from;
        SagaPhase phase;
        Instant phaseSince;
        boolean approved;
        boolean failbackRequested;
        boolean goodDataRefused;
        final Map<String, SagaStep> steps;
        List<String> leftDown;
        Optional<String> heldBy;
        Optional<String> heldBecause;
        Optional<SagaPhase> heldFrom;
        Optional<String> stuckBecause;
        final List<PhaseVisit> history;

        Draft(Saga from) {
            this.from = from;
            phase = from.phase;
            phaseSince = from.phaseSince;
            approved = from.approved;
            failbackRequested = from.failbackRequested;
            goodDataRefused = from.goodDataRefused;
            steps = new LinkedHashMap<>(from.steps);
            leftDown = from.leftDown;
            heldBy = from.heldBy;
            heldBecause = from.heldBecause;
            heldFrom = from.heldFrom;
            stuckBecause = from.stuckBecause;
            history = new ArrayList<>(from.history);
        }

        /** Into {@code next} since {@code now}, recorded in the history; nothing changes when it is already there. */
        Draft enter(SagaPhase next, Instant now) {
            if (next != phase) {
                history.add(new PhaseVisit(next, now));
                phase = next;
                phaseSince = now;
            }
            return this;
        }

        Saga build() {
            return new Saga(
                    from.sagaId,
                    from.cluster,
                    from.resource,
                    from.number,
                    from.way,
                    from.failing,
                    from.survivor,
                    phase,
                    from.startedAt,
                    phaseSince,
                    from.reason,
                    from.evidence,
                    approved,
                    failbackRequested,
                    goodDataRefused,
                    steps,
                    from.vms,
                    leftDown,
                    heldBy,
                    heldBecause,
                    heldFrom,
                    stuckBecause,
                    history);
        }
    }
}
