package io.vigil.sim;

import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the two copies of one resource share: how much differs between them, who wrote while they
 * were apart, and the resync that brings them back together. Mutable, guarded by the pair's lock.
 */
final class ReplicationLink {
    final String resource;
    long outOfSyncKiB;
    /** nodes that wrote while disconnected: one means a resync from it, two means split brain */
    final Set<String> wroteWhileApart = new HashSet<>();
    /** the node the running resync copies from; empty when none runs */
    Optional<String> syncSource = Optional.empty();

    long resyncTotalKiB;
    /** when the running (or last) resync began, by the pair's clock */
    Instant resyncStartedAt = Instant.EPOCH;

    boolean splitBrain;

    ReplicationLink(String resource) {
        this.resource = resource;
    }

    boolean syncing() {
        return syncSource.isPresent();
    }

    double donePercent() {
        if (resyncTotalKiB == 0) {
            return 100.0;
        }
        return 100.0 * (resyncTotalKiB - outOfSyncKiB) / resyncTotalKiB;
    }
}
