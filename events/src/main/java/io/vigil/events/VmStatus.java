package io.vigil.events;

import java.util.Objects;
import java.util.Optional;

/**
 * One VM on one host. {@code drbdResource} comes from the agent's config (which resource the VM's
 * disks live on); memory is what the VM has now and the most it may have, in bytes.
 * {@code expectedHere}: whether the agent's config expects the VM to run on this host (its
 * resource's home); empty where nobody said (a parsed capture, an older agent).
 *
 * <p>Unknown is not zero: {@code memoryBytes}, {@code maxMemoryBytes} and {@code vcpus} are empty
 * where the source did not report them ({@code virsh list} alone, or a {@code dominfo} that failed;
 * {@code xl list} prints no maximum; a VM the hypervisor does not list). On the wire the field is
 * left out; a record written before they were optional carries 0 and reads as 0.
 */
public record VmStatus(
        String name,
        Optional<String> uuid,
        Hypervisor hypervisor,
        VmState state,
        Optional<Long> memoryBytes,
        Optional<Long> maxMemoryBytes,
        Optional<Integer> vcpus,
        Optional<String> drbdResource,
        Liveness liveness,
        Optional<Boolean> expectedHere)
        implements Body {
    public VmStatus {
        Name.check("vm", name);
        uuid = Objects.requireNonNullElse(uuid, Optional.empty());
        Objects.requireNonNull(hypervisor, "hypervisor");
        Objects.requireNonNull(state, "state");
        memoryBytes = Objects.requireNonNullElse(memoryBytes, Optional.empty());
        maxMemoryBytes = Objects.requireNonNullElse(maxMemoryBytes, Optional.empty());
        vcpus = Objects.requireNonNullElse(vcpus, Optional.empty());
        drbdResource = Objects.requireNonNullElse(drbdResource, Optional.empty());
        drbdResource.ifPresent(r -> Name.check("drbdResource", r));
        Objects.requireNonNull(liveness, "liveness");
        expectedHere = Objects.requireNonNullElse(expectedHere, Optional.empty());
    }

    @Override
    public Subject subject() {
        return new Subject.Vm(name);
    }

    @Override
    public EventKind kind() {
        return EventKind.VM;
    }
}
