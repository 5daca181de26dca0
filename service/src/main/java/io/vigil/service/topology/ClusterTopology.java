package io.vigil.service.topology;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One pair: its two nodes (in the file's order), its resources, its VMs and its failover policy.
 * The loader guarantees the cross-references: every resource's home is one of the nodes, every VM
 * is listed under exactly one resource and has a memory entry, min ≤ normal memory.
 */
public record ClusterTopology(
        String name,
        List<NodeTopology> nodes,
        Map<String, ResourceTopology> resources,
        Map<String, VmTopology> vms,
        FailoverPolicy policy) {
    public ClusterTopology {
        Objects.requireNonNull(name, "name");
        nodes = List.copyOf(nodes);
        resources = Map.copyOf(resources);
        vms = Map.copyOf(vms);
        Objects.requireNonNull(policy, "policy");
        if (nodes.size() != 2) {
            throw new IllegalArgumentException("a cluster is a pair: " + name + " has " + nodes.size() + " nodes");
        }
    }

    public Optional<NodeTopology> node(String node) {
        return nodes.stream().filter(n -> n.name().equals(node)).findFirst();
    }

    /** The other node of the pair. */
    public String peerOf(String node) {
        if (nodes.get(0).name().equals(node)) {
            return nodes.get(1).name();
        }
        if (nodes.get(1).name().equals(node)) {
            return nodes.get(0).name();
        }
        throw new IllegalArgumentException(node + " is not a node of " + name);
    }

    public List<String> nodeNames() {
        return nodes.stream().map(NodeTopology::name).toList();
    }

    /** The resource a VM's disks live on. */
    public Optional<ResourceTopology> resourceOfVm(String vm) {
        return resources.values().stream().filter(r -> r.vms().contains(vm)).findFirst();
    }
}
