package io.vigil.app;

import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPath;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.Heartbeat;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.LvmReport;
import io.vigil.events.ProbeHealth;
import io.vigil.events.ReplicationState;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import io.vigil.events.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A fleet's telemetry for the engine bench: each node of each pair sends, in turn, a heartbeat,
 * its two resources, its two disks, its LVM report and its two VMs, as the seed setting's agents
 * do. On one pair in ten, node-a's disk under r0 fails and comes back every round, so alerts
 * change as the stream flows. Bodies are encoded once; each event is its envelope around one.
 */
final class TelemetryMix {
    record Event(String cluster, byte[] bytes) {}

    private static final String[] NODES = {"node-a", "node-b"};
    private final int clusters;
    private final String[] kinds;
    private final String[] bodies;
    private final String lostR0;
    private final long[][] seq;
    private int cluster;
    private int node;
    private int item;
    private long round;
    private int flips;

    TelemetryMix(int clusters) {
        this.clusters = clusters;
        this.seq = new long[clusters][2];
        List<Body> mix = List.of(
                new Heartbeat(
                        "bench",
                        3600,
                        List.of(
                                new ProbeHealth("drbd", true, 0, Optional.empty(), Optional.empty()),
                                new ProbeHealth("smart", true, 0, Optional.empty(), Optional.empty())),
                        16L << 30,
                        8L << 30),
                drbd("r0", DiskState.UP_TO_DATE),
                drbd("r1", DiskState.UP_TO_DATE),
                disk("/dev/sda", "sat", DiskProtocol.ATA, 34.0),
                disk("/dev/nvme0", "nvme", DiskProtocol.NVME, 38.0),
                new LvmReport(
                        List.of(new LvmReport.VolumeGroup("vg0", 4_000_783_007_744L, 3_957_833_334_784L, 1, 2)),
                        List.of(new LvmReport.LogicalVolume(
                                "vg0",
                                "r0-disk",
                                21_474_836_480L,
                                "-wi-ao----",
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of("r0")))),
                vm("web"),
                vm("mail"));
        kinds = mix.stream().map(b -> b.kind().wire()).toArray(String[]::new);
        bodies = mix.stream().map(TelemetryMix::json).toArray(String[]::new);
        lostR0 = json(drbd("r0", DiskState.DISKLESS));
    }

    Event next(Instant now) {
        String clusterId = String.format("pair-%05d", cluster);
        String body = bodies[item];
        if (item == 1 && node == 0 && cluster % 10 == 0) {
            body = round % 2 == 1 ? lostR0 : bodies[item];
            if (round > 0) {
                flips++;
            }
        }
        long n = ++seq[cluster][node];
        String envelope = "{\"v\":1,\"cluster\":\"" + clusterId + "\",\"node\":\"" + NODES[node] + "\",\"seq\":" + n
                + ",\"ts\":\"" + now + "\",\"kind\":\"" + kinds[item] + "\",\"body\":" + body + "}";
        Event event = new Event(clusterId, envelope.getBytes(StandardCharsets.UTF_8));
        if (++item == bodies.length) {
            item = 0;
            if (++node == NODES.length) {
                node = 0;
                if (++cluster == clusters) {
                    cluster = 0;
                    round++;
                }
            }
        }
        return event;
    }

    /** Events so far that changed a disk's state under r0 (each one an alert change). */
    int flips() {
        return flips;
    }

    private static String json(Body body) {
        return new String(WireCodec.encode(body), StandardCharsets.UTF_8);
    }

    private static DrbdResource drbd(String resource, DiskState disk) {
        return new DrbdResource(
                resource,
                DrbdRole.PRIMARY,
                false,
                Optional.of(true),
                Optional.empty(),
                false,
                List.of(new DrbdDevice(0, 0, disk, false, Optional.of(true), Optional.empty())),
                List.of(new DrbdConnection(
                        "node-b",
                        1,
                        ConnectionState.CONNECTED,
                        DrbdRole.SECONDARY,
                        false,
                        Optional.of(0L),
                        Optional.of(0L),
                        List.of(new DrbdPath("ipv4:10.99.0.1:7789", "ipv4:10.99.0.2:7789", true)),
                        List.of(new DrbdPeerDevice(
                                0,
                                ReplicationState.ESTABLISHED,
                                DiskState.UP_TO_DATE,
                                false,
                                false,
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(63_963_136L),
                                Optional.of(0L),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())),
                        new ReplicationLatency(Optional.of(0.00005), Optional.empty()))));
    }

    private static DiskHealth disk(String device, String type, DiskProtocol protocol, double temperature) {
        boolean nvme = protocol == DiskProtocol.NVME;
        return new DiskHealth(
                device,
                Optional.of(type),
                Optional.of("bench disk"),
                Optional.of("SN1"),
                protocol,
                Optional.of(true),
                0,
                Set.of(),
                nvme ? Optional.empty() : Optional.of(0L),
                nvme ? Optional.empty() : Optional.of(0L),
                nvme ? Optional.empty() : Optional.of(0L),
                nvme ? Optional.of(0) : Optional.empty(),
                nvme ? Optional.of(0L) : Optional.empty(),
                nvme ? Optional.of(3) : Optional.empty(),
                Optional.of(temperature),
                Optional.of(20_000L),
                List.of());
    }

    private static VmStatus vm(String name) {
        return new VmStatus(
                name,
                Optional.empty(),
                Hypervisor.LIBVIRT,
                VmState.RUNNING,
                Optional.of(6L << 30),
                Optional.of(6L << 30),
                Optional.of(2),
                Optional.of("r0"),
                Liveness.ALIVE,
                Optional.of(true));
    }
}
