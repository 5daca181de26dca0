package io.vigil.history;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node's report of one volume towards one peer, flattened from a DrbdResource envelope: the
 * unit of a replication sample, of the state timeline and of resync tracking. {@code disk} is
 * empty when the node reports no local device for the volume.
 */
record PeerVolume(
        String cluster,
        String node,
        long seq,
        long tsMs,
        String resource,
        int volume,
        String peer,
        DrbdRole role,
        Optional<DiskState> disk,
        ConnectionState connection,
        ReplicationState replication,
        DiskState peerDisk,
        DrbdRole peerRole,
        OptionalLong outOfSyncBytes,
        Optional<Double> roundTripSeconds,
        Optional<Double> oldestRequestSeconds,
        Optional<Double> resyncRate,
        Optional<Double> etaSeconds,
        Optional<Double> donePercent) {

    VolumeKey key() {
        return new VolumeKey(cluster, node, resource, volume, peer);
    }

    DrbdStates states() {
        return new DrbdStates(role, disk, connection, replication, peerDisk, peerRole);
    }

    boolean resyncing() {
        return switch (replication) {
            case SYNC_SOURCE, SYNC_TARGET, PAUSED_SYNC_S, PAUSED_SYNC_T -> true;
            default -> false;
        };
    }

    /** Meaningful while {@link #resyncing()}: this node is the resync's source. */
    boolean isSource() {
        return replication == ReplicationState.SYNC_SOURCE || replication == ReplicationState.PAUSED_SYNC_S;
    }

    /** One volume of one node towards one peer: a line of the state timeline. */
    record VolumeKey(String cluster, String node, String resource, int volume, String peer) {}

    /** The states a timeline row records; a row is written when any of them changes. */
    record DrbdStates(
            DrbdRole role,
            Optional<DiskState> disk,
            ConnectionState connection,
            ReplicationState replication,
            DiskState peerDisk,
            DrbdRole peerRole) {}
}
