package io.vigil.lab.sim;

import io.vigil.events.VmState;

/** One VM (libvirt domain) of a simulated host. Mutable, guarded by the pair's lock. */
final class SimVm {
    final String name;
    final String uuid;
    final String resource;
    VmState state;
    long memoryKiB;
    long maxMemoryKiB;
    int vcpus;
    boolean guestAgentAnswering = true;
    /** libvirt's domain id while running; -1 when shut off */
    int id = -1;
    double cpuSeconds;

    SimVm(String name, String uuid, String resource, long memoryKiB, long maxMemoryKiB, int vcpus) {
        this.name = name;
        this.uuid = uuid;
        this.resource = resource;
        this.state = VmState.SHUT_OFF;
        this.memoryKiB = memoryKiB;
        this.maxMemoryKiB = maxMemoryKiB;
        this.vcpus = vcpus;
    }

    boolean running() {
        return state == VmState.RUNNING;
    }
}
