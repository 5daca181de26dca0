package io.vigil.rules.failover;

import io.vigil.rules.engine.FailoverHolds;
import io.vigil.rules.engine.HeldVms;
import io.vigil.rules.engine.StateTable;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link FailoverHolds} read from the failover's own tables (the sagas and the cluster's facts):
 * a saga that moved its VMs holds, on its survivor, those of them (but the ones it left down) the
 * survivor reports running.
 * Only while the survivor is heard: a survivor silent for longer than {@link ClusterFailovers#FACT_AGE}
 * proves nothing about its VMs, and a VM nobody can see running must page.
 */
public final class SagaHolds implements FailoverHolds {
    private final StateTable<ResourceFailovers> sagas;
    private final StateTable<ClusterFacts> facts;

    public SagaHolds(StateTable<ResourceFailovers> sagas, StateTable<ClusterFacts> facts) {
        this.sagas = sagas;
        this.facts = facts;
    }

    @Override
    public Optional<HeldVms> held(String cluster, String resource, Instant now) {
        Optional<Saga> moved = sagas.get(ClusterFailovers.key(cluster, resource)).flatMap(ResourceFailovers::current).filter(Saga::movedVms);
        if (moved.isEmpty()) {
            return Optional.empty();
        }
        Saga saga = moved.get();
        ClusterFacts known = facts.get(cluster).orElse(ClusterFacts.empty(cluster));
        if (known.lastHeard(saga.survivor()).map(at -> at.isBefore(now.minus(ClusterFailovers.FACT_AGE))).orElse(true)) {
            return Optional.empty();
        }
        Set<String> running = new TreeSet<>();
        for (String vm : saga.vms()) {
            // a VM it left down is not its to hold (VmsLeftDown pages for it): running there, it was started by someone else
            if (!saga.leftDown().contains(vm) && known.whereRunning(vm).equals(Optional.of(saga.survivor()))) {
                running.add(vm);
            }
        }
        return running.isEmpty() ? Optional.empty() : Optional.of(new HeldVms(saga.sagaId(), saga.survivor(), running));
    }
}
