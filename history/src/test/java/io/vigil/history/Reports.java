package io.vigil.history;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.ReplicationState;
import io.vigil.events.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** DRBD reports of r0 volume 0 in cluster pair-1, as the agents send them, for the sink's tests. */
final class Reports {
    static final Partition TELEMETRY = new Partition(Topics.TELEMETRY, 0);
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    private Reports() {}

    /** What one node says of r0/0 towards its peer at {@code T0 + seconds}. */
    record Report(
            String node,
            String peer,
            long seq,
            double seconds,
            DrbdRole role,
            DiskState disk,
            ConnectionState connection,
            ReplicationState replication,
            DiskState peerDisk,
            Optional<Long> outOfSync,
            Optional<Double> rate,
            Optional<Double> rtt) {
        Report rate(double bytesPerSecond) {
            return new Report(
                    node,
                    peer,
                    seq,
                    seconds,
                    role,
                    disk,
                    connection,
                    replication,
                    peerDisk,
                    outOfSync,
                    Optional.of(bytesPerSecond),
                    rtt);
        }

        /** The same report from a source that did not say how much is out of sync. */
        Report outOfSyncUnknown() {
            return new Report(
                    node,
                    peer,
                    seq,
                    seconds,
                    role,
                    disk,
                    connection,
                    replication,
                    peerDisk,
                    Optional.empty(),
                    rate,
                    rtt);
        }

        Report rtt(double seconds) {
            return new Report(
                    node,
                    peer,
                    seq,
                    this.seconds,
                    role,
                    disk,
                    connection,
                    replication,
                    peerDisk,
                    outOfSync,
                    rate,
                    Optional.of(seconds));
        }

        Envelope envelope() {
            boolean connected = connection == ConnectionState.CONNECTED;
            DrbdPeerDevice peerDevice = new DrbdPeerDevice(
                    0,
                    replication,
                    peerDisk,
                    false,
                    false,
                    outOfSync,
                    Optional.of(0L),
                    Optional.of(0L),
                    Optional.of(0L),
                    Optional.of(0L),
                    Optional.empty(),
                    rate.flatMap(r -> outOfSync.map(o -> o / r)),
                    rate);
            DrbdConnection c = new DrbdConnection(
                    peer,
                    1,
                    connection,
                    connected ? DrbdRole.SECONDARY : DrbdRole.UNKNOWN,
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    List.of(peerDevice),
                    new ReplicationLatency(rtt, Optional.empty()));
            DrbdResource r = new DrbdResource(
                    "r0",
                    role,
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    disk == null
                            ? List.of()
                            : List.of(new DrbdDevice(0, 1000, disk, false, Optional.empty(), Optional.empty())),
                    List.of(c));
            return Envelope.of("pair-1", node, seq, Instant.ofEpochMilli(T0 + Math.round(seconds * 1000)), r);
        }

        SinkRecord record(long offset) {
            return new SinkRecord.Telemetry(envelope(), TELEMETRY, offset);
        }
    }

    static Report healthy(String node, long seq, double seconds) {
        return new Report(
                node,
                other(node),
                seq,
                seconds,
                node.equals("node-a") ? DrbdRole.PRIMARY : DrbdRole.SECONDARY,
                DiskState.UP_TO_DATE,
                ConnectionState.CONNECTED,
                ReplicationState.ESTABLISHED,
                DiskState.UP_TO_DATE,
                Optional.of(0L),
                Optional.empty(),
                Optional.empty());
    }

    static Report report(
            String node,
            long seq,
            double seconds,
            DiskState disk,
            ConnectionState connection,
            ReplicationState replication,
            DiskState peerDisk,
            long outOfSync) {
        return new Report(
                node,
                other(node),
                seq,
                seconds,
                node.equals("node-a") ? DrbdRole.PRIMARY : DrbdRole.SECONDARY,
                disk,
                connection,
                replication,
                peerDisk,
                Optional.of(outOfSync),
                Optional.empty(),
                Optional.empty());
    }

    static String other(String node) {
        return node.equals("node-a") ? "node-b" : "node-a";
    }
}
