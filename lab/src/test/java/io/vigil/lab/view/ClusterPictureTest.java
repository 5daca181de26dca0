package io.vigil.lab.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.ReplicationState;
import io.vigil.events.SmartctlFlag;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterPictureTest {
    private static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");

    private static DrbdResource r0(DiskState disk, ReplicationState replication, Optional<Double> done) {
        return new DrbdResource(
                "r0",
                DrbdRole.PRIMARY,
                false,
                Optional.of(false),
                Optional.empty(),
                false,
                List.of(new DrbdDevice(0, 1000, disk, false, Optional.of(true), Optional.empty())),
                List.of(new DrbdConnection(
                        "node-b",
                        1,
                        ConnectionState.CONNECTED,
                        DrbdRole.SECONDARY,
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        List.of(new DrbdPeerDevice(
                                0,
                                replication,
                                DiskState.UP_TO_DATE,
                                false,
                                false,
                                Optional.of(4096L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                done,
                                Optional.empty(),
                                Optional.empty())),
                        ReplicationLatency.UNMEASURED)));
    }

    @Test
    void keepsTheLastStateOfEachThingAndCountsEventsPerKind() {
        ClusterPicture picture = new ClusterPicture();
        picture.accept(Envelope.of(
                "pair-1", "node-a", 1, T0, r0(DiskState.UP_TO_DATE, ReplicationState.ESTABLISHED, Optional.empty())));
        picture.accept(Envelope.of(
                "pair-1",
                "node-a",
                2,
                T0.plusSeconds(1),
                r0(DiskState.INCONSISTENT, ReplicationState.SYNC_TARGET, Optional.of(37.5))));
        picture.accept(Envelope.of(
                "pair-1",
                "node-a",
                3,
                T0.plusSeconds(2),
                new VmStatus(
                        "web",
                        Optional.empty(),
                        Hypervisor.LIBVIRT,
                        VmState.RUNNING,
                        Optional.of(1L << 30),
                        Optional.of(2L << 30),
                        Optional.of(2),
                        Optional.of("r0"),
                        Liveness.ALIVE,
                        Optional.of(true))));
        picture.accept(Envelope.of(
                "pair-1",
                "node-b",
                9,
                T0.plusSeconds(2),
                new DiskHealth(
                        "/dev/sda",
                        Optional.empty(),
                        Optional.of("WDC"),
                        Optional.empty(),
                        DiskProtocol.ATA,
                        Optional.of(false),
                        8,
                        Set.of(SmartctlFlag.DISK_FAILING),
                        Optional.of(12L),
                        Optional.of(0L),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(38.0),
                        Optional.empty(),
                        List.of())));

        assertEquals(4, picture.events());
        ClusterPicture.HostPicture a = picture.host("pair-1", "node-a").orElseThrow();
        assertEquals(2L, a.eventsByKind().get(io.vigil.events.EventKind.DRBD));
        assertEquals(
                DiskState.INCONSISTENT, a.resources().get("r0").devices().get(0).disk());
        assertEquals(3, a.lastSeq());

        String screen = ClusterScreen.render(picture, T0.plusSeconds(3));
        assertTrue(
                screen.contains(
                        "drbd r0     Primary   vol0:Inconsistent | node-b Connected Secondary vol0:SyncTarget/UpToDate 37.5%"),
                screen);
        assertTrue(screen.contains("vm web        running   1.0 GiB, 2 vCPU, on r0, guest alive"), screen);
        assertTrue(screen.contains("disk /dev/sda     ATA     FAILED, 12 reallocated, 38°C, disk-failing"), screen);

        JsonNode summary = LabSummary.of(picture, Duration.ofSeconds(30));
        assertEquals(
                2,
                summary.get("hosts")
                        .get("pair-1/node-a")
                        .get("eventsByKind")
                        .get("drbd")
                        .asInt());
        assertEquals(
                "SyncTarget",
                summary.get("hosts")
                        .get("pair-1/node-a")
                        .get("resources")
                        .get("r0")
                        .get("connections")
                        .get(0)
                        .get("peerDevices")
                        .get(0)
                        .get("replication")
                        .asText());
        assertEquals(
                false,
                summary.get("hosts")
                        .get("pair-1/node-b")
                        .get("disks")
                        .get("/dev/sda")
                        .get("smartPassed")
                        .asBoolean());
    }

    @Test
    void keysEachDriveByItsSubjectSoDrivesBehindOneControllerStayApart() {
        ClusterPicture picture = new ClusterPicture();
        for (int slot = 0; slot < 2; slot++) {
            DiskHealth drive = new DiskHealth(
                    "/dev/bus/0",
                    Optional.of("megaraid," + slot),
                    Optional.of("PM9A3"),
                    Optional.empty(),
                    DiskProtocol.NVME,
                    Optional.of(true),
                    0,
                    Set.of(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(0),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of());
            picture.accept(Envelope.of("pair-1", "node-a", slot + 1, T0, drive));
        }
        // the same names the agent's metrics and the rules' labels give these drives (Subject.Disk)
        assertEquals(
                List.of("/dev/bus/0 -d megaraid,0", "/dev/bus/0 -d megaraid,1"),
                List.copyOf(
                        picture.host("pair-1", "node-a").orElseThrow().disks().keySet()));
    }

    @Test
    void marksAHostSilentWhenItsLastEventIsOld() {
        ClusterPicture picture = new ClusterPicture();
        picture.accept(Envelope.of(
                "pair-1", "node-b", 1, T0, r0(DiskState.UP_TO_DATE, ReplicationState.ESTABLISHED, Optional.empty())));
        assertTrue(ClusterScreen.render(picture, T0.plusSeconds(60)).contains("SILENT"));
        assertTrue(!ClusterScreen.render(picture, T0.plusSeconds(2)).contains("SILENT"));
    }

    @Test
    void keepsHostsOfTheSameNameInDifferentClustersApart() {
        ClusterPicture picture = new ClusterPicture();
        picture.accept(Envelope.of(
                "pair-1", "node-b", 1, T0, r0(DiskState.UP_TO_DATE, ReplicationState.ESTABLISHED, Optional.empty())));
        picture.accept(Envelope.of(
                "pair-9", "node-b", 7, T0, r0(DiskState.DISKLESS, ReplicationState.ESTABLISHED, Optional.empty())));

        List<ClusterPicture.HostPicture> hosts = picture.hosts();
        assertEquals(
                List.of("pair-1/node-b", "pair-9/node-b"),
                hosts.stream().map(h -> h.cluster() + "/" + h.node()).toList());
        assertEquals(
                DiskState.UP_TO_DATE,
                picture.host("pair-1", "node-b")
                        .orElseThrow()
                        .resources()
                        .get("r0")
                        .devices()
                        .get(0)
                        .disk(),
                "pair-9's node-b is not pair-1's");
        assertEquals(
                DiskState.DISKLESS,
                picture.host("pair-9", "node-b")
                        .orElseThrow()
                        .resources()
                        .get("r0")
                        .devices()
                        .get(0)
                        .disk());
        assertEquals(1, hosts.get(0).lastSeq());
        String screen = ClusterScreen.render(picture, T0);
        assertTrue(screen.contains("== pair-1/node-b") && screen.contains("== pair-9/node-b"), screen);
        JsonNode summary = LabSummary.of(picture, Duration.ofSeconds(1)).get("hosts");
        assertEquals(
                "UpToDate",
                summary.get("pair-1/node-b")
                        .get("resources")
                        .get("r0")
                        .get("devices")
                        .get(0)
                        .get("disk")
                        .asText());
        assertEquals(
                "Diskless",
                summary.get("pair-9/node-b")
                        .get("resources")
                        .get("r0")
                        .get("devices")
                        .get(0)
                        .get("disk")
                        .asText());
    }

    /**
     * A node's records arrive in the order it sent them (one partition per cluster), so the
     * topic's order says which is newest; seq only tells a repeat (a spool replay) from a new
     * record. A seq far beyond the others (Long.MAX_VALUE) is shown while it is the newest and
     * does not make the records after it look old.
     */
    @Test
    void aRecordWithAnAbsurdSeqDoesNotFreezeTheHostAndRepeatsAreDropped() {
        ClusterPicture picture = new ClusterPicture();
        picture.accept(Envelope.of(
                "pair-1", "node-a", 10, T0, r0(DiskState.UP_TO_DATE, ReplicationState.ESTABLISHED, Optional.empty())));
        picture.accept(Envelope.of(
                "pair-1",
                "node-a",
                Long.MAX_VALUE,
                T0.plusSeconds(1),
                r0(DiskState.OUTDATED, ReplicationState.ESTABLISHED, Optional.empty())));
        picture.accept(Envelope.of(
                "pair-1",
                "node-a",
                11,
                T0.plusSeconds(2),
                r0(DiskState.FAILED, ReplicationState.ESTABLISHED, Optional.empty())));
        picture.accept(Envelope.of(
                "pair-1",
                "node-a",
                12,
                T0.plusSeconds(3),
                r0(DiskState.DISKLESS, ReplicationState.ESTABLISHED, Optional.empty())));
        // the publisher replays 11 after a crash: a repeat, not news
        picture.accept(Envelope.of(
                "pair-1",
                "node-a",
                11,
                T0.plusSeconds(2),
                r0(DiskState.FAILED, ReplicationState.ESTABLISHED, Optional.empty())));

        ClusterPicture.HostPicture a = picture.host("pair-1", "node-a").orElseThrow();
        assertEquals(
                DiskState.DISKLESS,
                a.resources().get("r0").devices().get(0).disk(),
                "the records after the absurd seq are shown");
        assertEquals(12, a.lastSeq());
        assertEquals(T0.plusSeconds(3), a.lastSeen());
        assertEquals(
                4L,
                a.eventsByKind().get(io.vigil.events.EventKind.DRBD),
                "four records shown; the repeat is not counted as the host's");
        assertEquals(1, a.seqWentBack());
        assertTrue(
                ClusterScreen.render(picture, T0.plusSeconds(4)).contains("seq 12 (went back 1 time)"),
                ClusterScreen.render(picture, T0));
        assertEquals(5, picture.events(), "every record read back is counted");
    }
}
