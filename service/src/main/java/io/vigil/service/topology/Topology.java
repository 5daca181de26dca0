package io.vigil.service.topology;

import java.util.Map;
import java.util.Optional;

/**
 * What Vigil's failover knows about the pairs it guards, read from one file shared by the engine
 * and every agent ({@code /etc/vigil/topology.yaml}): per cluster its two nodes, its DRBD
 * resources with their home node and VMs, each VM's memory and priority, each node's fence
 * commands, and the failover policy. The agents' own configs add only what is local to a host
 * (what its executor allows, its hypervisor, where its key is).
 */
public record Topology(Map<String, ClusterTopology> clusters) {
    public Topology {
        clusters = Map.copyOf(clusters);
    }

    public static final Topology EMPTY = new Topology(Map.of());

    public Optional<ClusterTopology> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }
}
