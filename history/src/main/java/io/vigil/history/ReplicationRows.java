package io.vigil.history;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.ReplicationState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A DrbdResource envelope as rows: one {@link PeerVolume} per connection and peer device, each a
 * {@code replication_samples} row, and where its states changed a {@code drbd_state_changes} row.
 */
final class ReplicationRows {
    /**
     * Out-of-sync bytes at or under this, while both disks are UpToDate on an established
     * connection with no resync, are DRBD's residual count (blocks marked out of sync that no
     * resync will visit until the next one): recorded, not lag.
     */
    static final long RESIDUAL_OUT_OF_SYNC_BYTES = 1024 * 1024;

    private ReplicationRows() {}

    static List<PeerVolume> volumes(Envelope e, DrbdResource r) {
        List<PeerVolume> volumes = new ArrayList<>();
        long ts = e.ts().toEpochMilli();
        for (DrbdConnection c : r.connections()) {
            Optional<Double> rtt = c.latency().roundTripSeconds();
            Optional<Double> oldest = c.latency().oldestRequestSeconds();
            if (c.peerDevices().isEmpty()) {
                // a connection that lists no peer volume (StandAlone, or DRBD 8 disconnected): the
                // local volumes towards that peer, with nothing known of the peer's side
                for (DrbdDevice d : r.devices()) {
                    volumes.add(new PeerVolume(
                            e.cluster(),
                            e.node(),
                            e.seq(),
                            ts,
                            r.resource(),
                            d.volume(),
                            c.peer(),
                            r.role(),
                            Optional.of(d.disk()),
                            c.connection(),
                            ReplicationState.OFF,
                            DiskState.DUNKNOWN,
                            c.peerRole(),
                            OptionalLong.empty(),
                            rtt,
                            oldest,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()));
                }
                continue;
            }
            for (DrbdPeerDevice p : c.peerDevices()) {
                Optional<DiskState> disk = r.devices().stream()
                        .filter(d -> d.volume() == p.volume())
                        .map(DrbdDevice::disk)
                        .findFirst();
                volumes.add(new PeerVolume(
                        e.cluster(),
                        e.node(),
                        e.seq(),
                        ts,
                        r.resource(),
                        p.volume(),
                        c.peer(),
                        r.role(),
                        disk,
                        c.connection(),
                        p.replication(),
                        p.peerDisk(),
                        c.peerRole(),
                        p.outOfSyncBytes().map(OptionalLong::of).orElse(OptionalLong.empty()),
                        rtt,
                        oldest,
                        p.resyncRateBytesPerSecond(),
                        p.etaSeconds(),
                        p.donePercent()));
            }
        }
        return volumes;
    }

    /**
     * Replication lag: out-of-sync data, Ahead/Behind or a resync under way; not DRBD's small
     * residual count while all is UpToDate and established.
     */
    static boolean lagging(PeerVolume v) {
        if (v.resyncing() || v.replication() == ReplicationState.AHEAD || v.replication() == ReplicationState.BEHIND) {
            return true;
        }
        long oos = v.outOfSyncBytes().orElse(0);
        if (oos == 0) {
            return false;
        }
        boolean settled = v.connection() == ConnectionState.CONNECTED
                && v.replication() == ReplicationState.ESTABLISHED
                && v.disk().orElse(DiskState.DUNKNOWN) == DiskState.UP_TO_DATE
                && v.peerDisk() == DiskState.UP_TO_DATE;
        return !(settled && oos <= RESIDUAL_OUT_OF_SYNC_BYTES);
    }

    static Object[] sample(PeerVolume v) {
        return row(
                v,
                v.outOfSyncBytes().isPresent() ? v.outOfSyncBytes().getAsLong() : null,
                lagging(v),
                v.roundTripSeconds().orElse(null),
                v.oldestRequestSeconds().orElse(null),
                v.resyncRate().orElse(null),
                v.etaSeconds().orElse(null),
                v.donePercent().orElse(null));
    }

    static Object[] stateChange(PeerVolume v) {
        return row(v, v.peerRole().wire());
    }

    /** A row of either table: who reported which volume's link when, its states, then {@code rest}. */
    private static Object[] row(PeerVolume v, Object... rest) {
        Object[] head = {
            v.cluster(),
            v.node(),
            v.seq(),
            v.tsMs(),
            v.resource(),
            v.volume(),
            v.peer(),
            v.role().wire(),
            v.disk().map(DiskState::wire).orElse(null),
            v.connection().wire(),
            v.replication().wire(),
            v.peerDisk().wire()
        };
        Object[] row = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, row, head.length, rest.length);
        return row;
    }

    static PeerVolume.DrbdStates states(
            String role, String disk, String connection, String replication, String peerDisk, String peerRole) {
        return new PeerVolume.DrbdStates(
                DrbdRole.of(role),
                Optional.ofNullable(disk).map(DiskState::of),
                ConnectionState.of(connection),
                ReplicationState.of(replication),
                DiskState.of(peerDisk),
                DrbdRole.of(peerRole));
    }
}
