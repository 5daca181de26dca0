package io.vigil.service.topology;

import java.util.Objects;
import java.util.Optional;

/**
 * A host of a pair: the memory it keeps for itself (never given to VMs), where VMs migrating to it
 * are sent ({@code virsh migrate}'s destination URI, or {@code xl migrate}'s host), and how to cut
 * its power and confirm it is off, if it can be fenced at all.
 */
public record NodeTopology(String name, long reserveBytes, String migrateDestination, Optional<FenceCommands> fence) {
    public NodeTopology {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(migrateDestination, "migrateDestination");
        fence = Objects.requireNonNullElse(fence, Optional.empty());
        if (reserveBytes < 0) {
            throw new IllegalArgumentException("reserveBytes: must not be negative");
        }
    }
}
