package io.vigil.rules.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * What the evaluator may know of the failover: where a failover in progress holds a resource's VMs
 * away from their home, and which saga holds them. A read-only view, so that suppression can mute
 * "not running at home" while the failover has put the VM elsewhere, without knowing what a saga
 * is: the engine answers it from the sagas' store of the same task, the lab's rig from its own.
 */
@FunctionalInterface
public interface FailoverHolds {
    /** No failover: nothing is ever held elsewhere (an engine without a topology, rule tests). */
    FailoverHolds NONE = (cluster, resource, now) -> Optional.empty();

    /** The VMs of {@code resource} that a failover holds running on another node at {@code now}; empty when none does. */
    Optional<HeldVms> held(String cluster, String resource, Instant now);
}
