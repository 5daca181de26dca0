package io.vigil.service.topology;

import java.util.List;
import java.util.Objects;

/** A DRBD resource: the node that is Primary for it when all is well, and the VMs whose disks live on it. */
public record ResourceTopology(String name, String home, List<String> vms) {
    public ResourceTopology {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
        vms = List.copyOf(vms);
    }
}
