package io.vigil.rules.engine;

import java.util.Objects;
import java.util.Set;

/**
 * The VMs a failover holds, away from where an alert expects them: the saga ({@code sagaId}),
 * those of its VMs seen running on {@code node} now ({@code vms}; a VM it moved that runs nowhere
 * is not among them), and those it has just moved that no report shows where it put them yet
 * ({@code settling}: the agent there has not polled since). An alert that a held VM is not
 * running on another node than {@code node} is the failover's doing; so is one about a settling VM
 * on any node, its new one included, since the last report from there predates the move.
 */
public record HeldVms(String sagaId, String node, Set<String> vms, Set<String> settling) {
    public HeldVms {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(node, "node");
        vms = Set.copyOf(vms);
        settling = Set.copyOf(settling);
    }

    /** VMs seen running on {@code node}, none settling. */
    public HeldVms(String sagaId, String node, Set<String> vms) {
        this(sagaId, node, vms, Set.of());
    }

    /** Whether an alert that {@code vm} is not running on {@code alertNode} is the failover's doing. */
    public boolean holds(String vm, String alertNode) {
        return settling.contains(vm) || vms.contains(vm) && !node.equals(alertNode);
    }
}
