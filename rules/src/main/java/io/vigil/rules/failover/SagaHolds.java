package io.vigil.rules.failover;

import io.vigil.rules.engine.FailoverHolds;
import io.vigil.rules.engine.HeldVms;
import io.vigil.rules.engine.StateTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link FailoverHolds} read from the failover's own tables (the sagas and the cluster's facts):
 * a saga that moved its VMs holds, on its survivor, those of them (but the ones it left down) the
 * survivor reports running. Only while the survivor is heard: a survivor silent for longer than
 * {@link ClusterFailovers#FACT_AGE} proves nothing about its VMs, and a VM nobody can see running
 * must page.
 *
 * <p>A VM the saga has just moved (its migration or start succeeded) is held too, on every node,
 * until the agent where it put it reports it: that agent polls on its own schedule, and its last
 * word may predate the move. While the saga acts it may be moving it still; once it stops, the
 * first report from there heard after decides (running: the saga is done with it; not running:
 * it pages), or {@link #SETTLING} without one. This outlasts the saga: the failback's last steps
 * are seconds, the agent's poll may come later, and until then its "shut off" is not news.
 */
public final class SagaHolds implements FailoverHolds {
    /**
     * How long a saga that stopped acting holds a VM it moved that no report since shows: three of the agent's default VM
     * polls (10 s apart, each up to 10 s), as {@link ClusterFailovers#FACT_AGE} is for DRBD's reports, so that one slow or
     * lost poll does not page; after it, a VM nobody has seen running where it was put pages.
     */
    static final Duration SETTLING = ClusterFailovers.FACT_AGE;

    private final StateTable<ResourceFailovers> sagas;
    private final StateTable<ClusterFacts> facts;

    public SagaHolds(StateTable<ResourceFailovers> sagas, StateTable<ClusterFacts> facts) {
        this.sagas = sagas;
        this.facts = facts;
    }

    @Override
    public Optional<HeldVms> held(String cluster, String resource, Instant now) {
        ResourceFailovers stored =
                sagas.get(ClusterFailovers.key(cluster, resource)).orElse(ResourceFailovers.NONE);
        Optional<Saga> holding = holding(stored, now);
        if (holding.isEmpty()) {
            return Optional.empty();
        }
        Saga saga = holding.get();
        ClusterFacts known = facts.get(cluster).orElse(ClusterFacts.empty(cluster));
        Optional<Instant> stoppedActing = stoppedActing(saga);
        Set<String> running = new TreeSet<>();
        Set<String> settling = new TreeSet<>();
        for (String vm : saga.vms()) {
            // a VM it left down is not its to hold (VmsLeftDown pages for it): running there, it was started by someone
            // else
            if (saga.leftDown().contains(vm)) {
                continue;
            }
            Optional<VmWhereabouts.RunsOn> moved = VmWhereabouts.movedBy(saga, vm);
            String placed = moved.map(VmWhereabouts.RunsOn::node).orElse(saga.survivor());
            boolean heard = known.lastHeard(placed)
                    .map(at -> !at.isBefore(now.minus(ClusterFailovers.FACT_AGE)))
                    .orElse(false);
            if (heard && known.whereRunning(vm).equals(Optional.of(placed))) {
                // seen where it was put: on the survivor it is held there; home again, the saga is done with it
                if (!saga.phase().ended() && placed.equals(saga.survivor())) {
                    running.add(vm);
                }
            } else if (moved.isPresent() && notReportedSince(known.vm(placed, vm), stoppedActing, now)) {
                settling.add(vm);
            }
        }
        if (running.isEmpty() && settling.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new HeldVms(saga.sagaId(), saga.phase().ended() ? saga.failing() : saga.survivor(), running, settling));
    }

    /** The saga in progress that moved VMs, or the one that just ended, for {@link #SETTLING} after it did. */
    private static Optional<Saga> holding(ResourceFailovers stored, Instant now) {
        Optional<Saga> current = stored.current().filter(Saga::movedVms);
        if (current.isPresent()) {
            return current;
        }
        return stored.recent().stream()
                .findFirst()
                .filter(s -> !now.isAfter(s.phaseSince().plus(SETTLING)));
    }

    /** When the saga stopped acting (entered the phase after its last acting one); empty while it acts. */
    private static Optional<Instant> stoppedActing(Saga saga) {
        if (saga.phase().acting()) {
            return Optional.empty();
        }
        List<Saga.PhaseVisit> history = saga.history();
        for (int i = history.size() - 1; i > 0; i--) {
            if (history.get(i - 1).phase().acting()) {
                return Optional.of(history.get(i).at());
            }
        }
        return Optional.of(saga.phaseSince());
    }

    /**
     * Whether a VM the saga moved is still settling: the saga acts, or it stopped less than {@link #SETTLING} ago and no
     * report of the VM from where it was put ({@code there}) has been heard since.
     */
    private static boolean notReportedSince(Optional<VmReport> there, Optional<Instant> stoppedActing, Instant now) {
        if (stoppedActing.isEmpty()) {
            return true;
        }
        Instant since = stoppedActing.get();
        return !now.isAfter(since.plus(SETTLING))
                && there.map(r -> !r.heard().isAfter(since)).orElse(true);
    }
}
