package io.vigil.rules.engine;

import java.util.Objects;
import java.util.Set;

/**
 * The VMs a failover holds on {@code node}, away from their home: the saga that put them there
 * ({@code sagaId}) and those of its VMs seen running there now (a VM it moved that runs nowhere is
 * not among them).
 */
public record HeldVms(String sagaId, String node, Set<String> vms) {
    public HeldVms {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(node, "node");
        vms = Set.copyOf(vms);
    }
}
