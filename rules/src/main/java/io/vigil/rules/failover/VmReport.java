package io.vigil.rules.failover;

import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * One node's latest report of one VM, with where it came from.
 *
 * @param at    the agent's own time of the report
 * @param heard when the engine received it, by its own clock, the clock of the saga's phases: whether a
 *              report came after a saga moved the VM is told by it (in facts stored before it was kept, {@code at})
 */
public record VmReport(String node, long seq, Instant at, VmStatus vm, Instant heard) {
    public VmReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(vm, "vm");
        heard = Objects.requireNonNullElse(heard, at);
    }

    public boolean running() {
        return vm.state() == VmState.RUNNING
                || vm.state() == VmState.IDLE
                || vm.state() == VmState.PAUSED
                || vm.state() == VmState.IN_SHUTDOWN;
    }

    public String evidence() {
        return node + " seq " + seq + " at " + at;
    }
}
