package io.vigil.rules.failover;

import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.time.Instant;
import java.util.Objects;

/** One node's latest report of one VM, with where it came from. */
public record VmReport(String node, long seq, Instant at, VmStatus vm) {
    public VmReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(vm, "vm");
    }

    public boolean running() {
        return vm.state() == VmState.RUNNING || vm.state() == VmState.IDLE || vm.state() == VmState.PAUSED || vm.state() == VmState.IN_SHUTDOWN;
    }

    public String evidence() {
        return node + " seq " + seq + " at " + at;
    }
}
