package io.vigil.collectors.metrics;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DeviceStatistics;
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
import io.vigil.events.ReplicationState;
import io.vigil.events.SmartctlFlag;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Events describing the ARCHITECTURE's node-a: r0 primary and resyncing to node-b, two drives, a VG, two VMs. */
final class HostStates {
    private HostStates() {}

    static DrbdPeerDevice peerDevice(int volume, ReplicationState state, long outOfSync, Optional<Double> done) {
        return new DrbdPeerDevice(
                volume,
                state,
                DiskState.INCONSISTENT,
                false,
                false,
                Optional.of(outOfSync),
                Optional.of(3L),
                Optional.of(1L),
                Optional.of(1_048_576L),
                Optional.of(4096L),
                done,
                done.map(d -> 120.0),
                done.map(d -> 52_428_800.0));
    }

    static DrbdResource r0(List<DrbdPeerDevice> peerDevices) {
        DrbdConnection toB = new DrbdConnection(
                "node-b",
                1,
                ConnectionState.CONNECTED,
                DrbdRole.SECONDARY,
                false,
                Optional.of(8192L),
                Optional.of(65536L),
                List.of(new DrbdPath("ipv4:10.0.0.1:7789", "ipv4:10.0.0.2:7789", true)),
                peerDevices,
                new ReplicationLatency(Optional.of(0.000042), Optional.empty()));
        return new DrbdResource(
                "r0",
                DrbdRole.PRIMARY,
                false,
                Optional.of(false),
                Optional.of(10101),
                false,
                List.of(new DrbdDevice(
                        0,
                        1000,
                        DiskState.UP_TO_DATE,
                        false,
                        Optional.of(true),
                        Optional.of(new DeviceStatistics(
                                Optional.of(10_737_418_240L),
                                2_000_000,
                                3_000_000,
                                Optional.of(2L),
                                Optional.of(1L))))),
                List.of(toB));
    }

    static DrbdResource r0Resyncing() {
        return r0(List.of(peerDevice(0, ReplicationState.SYNC_SOURCE, 4_194_304, Optional.of(37.5))));
    }

    static DrbdResource r1Secondary() {
        return new DrbdResource(
                "r1",
                DrbdRole.SECONDARY,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(new DrbdDevice(0, 1001, DiskState.UP_TO_DATE, false, Optional.empty(), Optional.empty())),
                List.of());
    }

    static DiskHealth sda() {
        return new DiskHealth(
                "/dev/sda",
                Optional.empty(),
                Optional.of("WDC WD40EFRX"),
                Optional.of("WD-1234"),
                DiskProtocol.ATA,
                Optional.of(true),
                64,
                Set.of(SmartctlFlag.ERROR_LOG_HAS_ERRORS),
                Optional.of(8L),
                Optional.of(1L),
                Optional.of(0L),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(34.0),
                Optional.of(26_000L),
                List.of());
    }

    static DiskHealth megaraid(int slot) {
        return new DiskHealth(
                "/dev/bus/0",
                Optional.of("megaraid," + slot),
                Optional.of("Samsung PM9A3"),
                Optional.of("S" + slot),
                DiskProtocol.NVME,
                Optional.of(true),
                0,
                Set.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(0),
                Optional.of(2L),
                Optional.of(7),
                Optional.of(41.0),
                Optional.of(100L),
                List.of());
    }

    static LvmReport lvm(boolean withSnapshot) {
        List<LvmReport.LogicalVolume> lvs = new java.util.ArrayList<>(List.of(
                new LvmReport.LogicalVolume(
                        "vg0",
                        "r0-disk",
                        10_737_418_240L,
                        "-wi-ao----",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("r0")),
                new LvmReport.LogicalVolume(
                        "vg0",
                        "pool",
                        53_687_091_200L,
                        "twi-aotz--",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(61.5),
                        Optional.of(12.25),
                        Optional.empty(),
                        Optional.empty())));
        if (withSnapshot) {
            lvs.add(new LvmReport.LogicalVolume(
                    "vg0",
                    "r0-snap",
                    1_073_741_824L,
                    "swi-a-s---",
                    Optional.empty(),
                    Optional.of("r0-disk"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(3.0),
                    Optional.empty()));
        }
        return new LvmReport(
                List.of(new LvmReport.VolumeGroup("vg0", 107_374_182_400L, 21_474_836_480L, 1, lvs.size())), lvs);
    }

    static VmStatus vm(String name, VmState state) {
        return new VmStatus(
                name,
                Optional.of("6695eb01-f6a4-8304-79aa-97f2502e193f"),
                Hypervisor.LIBVIRT,
                state,
                Optional.of(2_147_483_648L),
                Optional.of(4_294_967_296L),
                Optional.of(2),
                Optional.of("r0"),
                Liveness.ALIVE,
                Optional.of(true));
    }

    static Heartbeat heartbeat() {
        return new Heartbeat("dev", 12, List.of(), 16_777_216_000L, 8_388_608_000L);
    }
}
