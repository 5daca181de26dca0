package io.vigil.sim;

import io.vigil.events.VmState;
import java.time.Instant;
import java.util.Optional;

/**
 * One VM's definition on one simulated host (a libvirt domain, a Xen config file): every VM is
 * defined on both hosts of the pair and runs on at most one of them. Mutable, guarded by the pair's lock.
 */
final class SimVm {
    final String name;
    final String uuid;
    final String resource;
    VmState state;
    /** the running guest's memory (its balloon); a shut-off domain's is its boot memory */
    long memoryKiB;
    /** the memory its definition boots it with (libvirt's currentMemory, a Xen config file's memory=) */
    long bootMemoryKiB;

    long maxMemoryKiB;
    int vcpus;
    boolean guestAgentAnswering = true;
    /** libvirt's domain id while running; -1 when shut off */
    int id = -1;

    double cpuSeconds;
    /** when a guest asked to shut down (virsh shutdown, xl shutdown) powers off; empty when none was asked */
    Optional<Instant> shutsOffAt = Optional.empty();

    SimVm(String name, String uuid, String resource, long memoryKiB, long maxMemoryKiB, int vcpus) {
        this.name = name;
        this.uuid = uuid;
        this.resource = resource;
        this.state = VmState.SHUT_OFF;
        this.memoryKiB = memoryKiB;
        this.bootMemoryKiB = memoryKiB;
        this.maxMemoryKiB = maxMemoryKiB;
        this.vcpus = vcpus;
    }

    boolean running() {
        return state == VmState.RUNNING;
    }
}
