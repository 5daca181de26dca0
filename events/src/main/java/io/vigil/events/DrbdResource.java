package io.vigil.events;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one node knows about one DRBD resource at one moment: its role, its local volumes,
 * and each peer connection with the replication state of each volume towards that peer.
 *
 * <p>{@code splitBrain} is a fact of its own: DRBD reports it once, through the split-brain
 * helper, and the StandAlone state that follows looks like any other disconnect.
 */
public record DrbdResource(
        String resource,
        DrbdRole role,
        boolean suspended,
        Optional<Boolean> mayPromote,
        Optional<Integer> promotionScore,
        boolean splitBrain,
        List<DrbdDevice> devices,
        List<DrbdConnection> connections)
        implements Body {
    public DrbdResource {
        Name.check("resource", resource);
        Objects.requireNonNull(role, "role");
        mayPromote = Objects.requireNonNullElse(mayPromote, Optional.empty());
        promotionScore = Objects.requireNonNullElse(promotionScore, Optional.empty());
        devices = List.copyOf(devices);
        connections = List.copyOf(connections);
    }

    @Override
    public Subject subject() {
        return new Subject.Resource(resource);
    }

    @Override
    public EventKind kind() {
        return EventKind.DRBD;
    }

    /** A local volume of the resource. {@code quorum} is empty where DRBD does not report it (DRBD 8). */
    public record DrbdDevice(
            int volume,
            int minor,
            DiskState disk,
            boolean client,
            Optional<Boolean> quorum,
            Optional<DeviceStatistics> statistics) {
        public DrbdDevice {
            Objects.requireNonNull(disk, "disk");
            quorum = Objects.requireNonNullElse(quorum, Optional.empty());
            statistics = Objects.requireNonNullElse(statistics, Optional.empty());
        }
    }

    /**
     * I/O counters of a local volume (events2 --statistics, or /proc/drbd's dw/dr/ap/lo). Unknown is
     * not zero: drbdsetup prints {@code size:}, {@code upper-pending:} and {@code lower-pending:}
     * only with --verbose, /proc/drbd has no size, so each of those is empty when not reported.
     */
    public record DeviceStatistics(
            Optional<Long> sizeBytes,
            long readBytes,
            long writtenBytes,
            Optional<Long> upperPending,
            Optional<Long> lowerPending) {
        public DeviceStatistics {
            sizeBytes = Objects.requireNonNullElse(sizeBytes, Optional.empty());
            upperPending = Objects.requireNonNullElse(upperPending, Optional.empty());
            lowerPending = Objects.requireNonNullElse(lowerPending, Optional.empty());
        }
    }

    /**
     * The connection to one peer. {@code apInFlightBytes}: application writes sent but not yet
     * acknowledged; {@code rsInFlightBytes}: resync data in flight. Both are absent where the source
     * did not report them (events2 without {@code --statistics}, /proc/drbd): unknown, not 0.
     */
    public record DrbdConnection(
            String peer,
            int peerNodeId,
            ConnectionState connection,
            DrbdRole peerRole,
            boolean congested,
            Optional<Long> apInFlightBytes,
            Optional<Long> rsInFlightBytes,
            List<DrbdPath> paths,
            List<DrbdPeerDevice> peerDevices,
            ReplicationLatency latency) {
        public DrbdConnection {
            Name.check("peer", peer);
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(peerRole, "peerRole");
            apInFlightBytes = Objects.requireNonNullElse(apInFlightBytes, Optional.empty());
            rsInFlightBytes = Objects.requireNonNullElse(rsInFlightBytes, Optional.empty());
            paths = List.copyOf(paths);
            peerDevices = List.copyOf(peerDevices);
            Objects.requireNonNull(latency, "latency");
        }
    }

    /** A network path of a connection, as DRBD reports it ("ipv4:10.0.0.2:7789"). */
    public record DrbdPath(String local, String peer, boolean established) {
        public DrbdPath {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * One volume's replication towards one peer. Sizes are bytes (DRBD reports KiB).
     * {@code donePercent}, {@code etaSeconds} and {@code resyncRateBytesPerSecond} are present only
     * while a resync or verify runs.
     *
     * <p>Unknown is not zero: each counter is empty when the source did not report it (events2
     * without --statistics reports none; {@code pending}/{@code unacked} need --verbose too;
     * DRBD 8.0's /proc/drbd has no {@code oos:}). A record written before these were optional
     * carries 0 and reads as 0.
     */
    public record DrbdPeerDevice(
            int volume,
            ReplicationState replication,
            DiskState peerDisk,
            boolean peerClient,
            boolean resyncSuspended,
            Optional<Long> outOfSyncBytes,
            Optional<Long> pending,
            Optional<Long> unacked,
            Optional<Long> sentBytes,
            Optional<Long> receivedBytes,
            Optional<Double> donePercent,
            Optional<Double> etaSeconds,
            Optional<Double> resyncRateBytesPerSecond) {
        public DrbdPeerDevice {
            Objects.requireNonNull(replication, "replication");
            Objects.requireNonNull(peerDisk, "peerDisk");
            outOfSyncBytes = Objects.requireNonNullElse(outOfSyncBytes, Optional.empty());
            pending = Objects.requireNonNullElse(pending, Optional.empty());
            unacked = Objects.requireNonNullElse(unacked, Optional.empty());
            sentBytes = Objects.requireNonNullElse(sentBytes, Optional.empty());
            receivedBytes = Objects.requireNonNullElse(receivedBytes, Optional.empty());
            donePercent = Objects.requireNonNullElse(donePercent, Optional.empty());
            etaSeconds = Objects.requireNonNullElse(etaSeconds, Optional.empty());
            resyncRateBytesPerSecond = Objects.requireNonNullElse(resyncRateBytesPerSecond, Optional.empty());
        }
    }

    /**
     * What the agent measured of the replication link, since DRBD itself reports no latency.
     * {@code roundTripSeconds}: round-trip time to the peer's replication address, measured by the
     * agent. {@code oldestRequestSeconds}: age of the oldest request still in flight to this peer,
     * from DRBD's debugfs, where the kernel offers it. Either is empty when not measured.
     */
    public record ReplicationLatency(Optional<Double> roundTripSeconds, Optional<Double> oldestRequestSeconds) {
        public static final ReplicationLatency UNMEASURED = new ReplicationLatency(Optional.empty(), Optional.empty());

        public ReplicationLatency {
            roundTripSeconds = Objects.requireNonNullElse(roundTripSeconds, Optional.empty());
            oldestRequestSeconds = Objects.requireNonNullElse(oldestRequestSeconds, Optional.empty());
        }
    }
}
