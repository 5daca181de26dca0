package io.vigil.service.topology;

import java.util.Objects;

/**
 * A VM's memory when all is well, the least it may be ballooned down to while its host carries
 * the other's VMs too, and its priority (higher first: it keeps more memory and starts first).
 */
public record VmTopology(String name, long memoryBytes, long minMemoryBytes, int priority) {
    public VmTopology {
        Objects.requireNonNull(name, "name");
        if (minMemoryBytes <= 0 || minMemoryBytes > memoryBytes) {
            throw new IllegalArgumentException(name + ": min memory must be positive and at most the memory");
        }
    }
}
