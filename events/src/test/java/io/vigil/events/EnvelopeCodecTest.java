package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPath;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.LvmReport.LogicalVolume;
import io.vigil.events.LvmReport.VolumeGroup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
    private static final Instant TS = Instant.parse("2026-11-24T21:03:07.412Z");

    static DrbdResource syncingResource() {
        return new DrbdResource(
                "r0",
                DrbdRole.PRIMARY,
                false,
                Optional.of(false),
                Optional.empty(),
                false,
                List.of(new DrbdDevice(0, 1000, DiskState.UP_TO_DATE, false, Optional.of(true), Optional.empty())),
                List.of(new DrbdConnection(
                        "node-b",
                        1,
                        ConnectionState.CONNECTED,
                        DrbdRole.SECONDARY,
                        false,
                        Optional.of(0L),
                        Optional.of(4096L),
                        List.of(new DrbdPath("ipv4:10.0.0.1:7789", "ipv4:10.0.0.2:7789", true)),
                        List.of(new DrbdPeerDevice(
                                0,
                                ReplicationState.SYNC_SOURCE,
                                DiskState.INCONSISTENT,
                                false,
                                false,
                                Optional.of(2_560_000L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(1024L),
                                Optional.of(0L),
                                Optional.of(37.5),
                                Optional.of(10.0),
                                Optional.of(251_658.24))),
                        new ReplicationLatency(Optional.of(0.00042), Optional.empty()))));
    }

    static List<Body> oneOfEachKind() {
        return List.of(
                new Heartbeat(
                        "0.1.0",
                        42,
                        List.of(new ProbeHealth("drbd", true, 0, Optional.empty(), Optional.of(TS))),
                        8L << 30,
                        3L << 30),
                syncingResource(),
                new DiskHealth(
                        "/dev/bus/0",
                        Optional.of("megaraid,0"),
                        Optional.of("ST4000NM0023"),
                        Optional.of("Z1Z3"),
                        DiskProtocol.SCSI,
                        Optional.of(false),
                        8 | 16,
                        Set.of(SmartctlFlag.DISK_FAILING, SmartctlFlag.PREFAIL_BELOW_THRESHOLD),
                        Optional.of(12L),
                        Optional.of(3L),
                        Optional.of(0L),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(41.0),
                        Optional.of(20_000L),
                        List.of("SMART overall-health self-assessment test result: FAILED!")),
                new LvmReport(
                        List.of(new VolumeGroup("vg0", 1L << 40, 1L << 38, 1, 2)),
                        List.of(new LogicalVolume(
                                "vg0",
                                "r0-disk",
                                100L << 30,
                                "-wi-ao----",
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of("r0")))),
                new VmStatus(
                        "web",
                        Optional.of("6695eb01-f6a4-8304-79aa-97f2502e193f"),
                        Hypervisor.LIBVIRT,
                        VmState.RUNNING,
                        Optional.of(2L << 30),
                        Optional.of(4L << 30),
                        Optional.of(2),
                        Optional.of("r0"),
                        Liveness.ALIVE,
                        Optional.of(true)),
                new ActionResult("a-17", ActionOutcome.SUCCEEDED, Optional.of(0), "", 0.25));
    }

    @Test
    void everyKindRoundTrips() throws Exception {
        long seq = 1;
        for (Body body : oneOfEachKind()) {
            Envelope sent = Envelope.of("pair-1", "node-a", seq++, TS, body);
            Envelope read = EnvelopeCodec.decode(EnvelopeCodec.encode(sent));
            assertEquals(sent, read, body.kind().wire());
        }
        assertEquals(EventKind.values().length, oneOfEachKind().size(), "one sample per kind");
    }

    @Test
    void writesTheEnvelopeFieldsInContractOrderWithDrbdSpelling() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 8812, TS, syncingResource()));
        assertTrue(
                json.startsWith(
                        "{\"v\":1,\"cluster\":\"pair-1\",\"node\":\"node-a\",\"seq\":8812,"
                                + "\"ts\":\"2026-11-24T21:03:07.412Z\",\"kind\":\"drbd\",\"body\":{\"resource\":\"r0\",\"role\":\"Primary\""),
                json);
        assertTrue(json.contains("\"disk\":\"UpToDate\""), json);
        assertTrue(json.contains("\"replication\":\"SyncSource\""), json);
        assertTrue(!json.contains("promotionScore"), "absent optionals are left out: " + json);
    }

    @Test
    void readsTheBodyWhereverItStandsInTheRecord() throws Exception {
        Envelope sent = Envelope.of("pair-1", "node-a", 7, TS, syncingResource());
        String json = EnvelopeCodec.encodeToString(sent);
        String body = json.substring(json.indexOf("\"body\":"), json.length() - 1);
        String bodyFirst = "{" + body + "," + json.substring(1, json.indexOf(",\"body\":")) + "}";
        assertTrue(bodyFirst.startsWith("{\"body\":{"), bodyFirst);
        assertEquals(sent, EnvelopeCodec.decode(bodyFirst.getBytes(StandardCharsets.UTF_8)));
        DecodeException late = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode(
                        bodyFirst.replace("\"disk\":\"UpToDate\"", "\"disk\":7").getBytes(StandardCharsets.UTF_8)));
        assertEquals("body.devices[0].disk", late.field());
    }

    @Test
    void refusesAFieldGivenTwiceDataAfterTheRecordAndATimeOutOfRange() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()));
        DecodeException twice = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode(json.replace("\"kind\":\"drbd\"", "\"kind\":\"drbd\",\"seq\":2")
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("seq", twice.field());
        DecodeException kindAfterBody = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode((json.substring(0, json.length() - 1) + ",\"kind\":\"heartbeat\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("kind", kindAfterBody.field());
        DecodeException trailing = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode((json + " {\"x\":1}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(trailing.getMessage().contains("more after the record"), trailing.getMessage());
        DecodeException far = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode(json.replace("2026-11-24T21:03:07.412Z", "+1000000000-01-01T00:00:00Z")
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("ts", far.field());
    }

    @Test
    void leavesOutCountersTheSourceDidNotReportAndReadsAnOldRecordsZeroAsZero() throws Exception {
        DrbdResource synced = syncingResource();
        DrbdResource.DrbdConnection c = synced.connections().get(0);
        DrbdPeerDevice p = c.peerDevices().get(0);
        DrbdPeerDevice unknown = new DrbdPeerDevice(
                p.volume(),
                ReplicationState.ESTABLISHED,
                DiskState.UP_TO_DATE,
                false,
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        DrbdResource withUnknown = new DrbdResource(
                "r0",
                DrbdRole.PRIMARY,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(new DrbdDevice(
                        0,
                        1000,
                        DiskState.UP_TO_DATE,
                        false,
                        Optional.empty(),
                        Optional.of(new DrbdResource.DeviceStatistics(
                                Optional.empty(), 1024, 2048, Optional.empty(), Optional.empty())))),
                List.of(new DrbdConnection(
                        c.peer(),
                        c.peerNodeId(),
                        c.connection(),
                        c.peerRole(),
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        c.paths(),
                        List.of(unknown),
                        c.latency())));

        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, withUnknown));

        for (String field : List.of(
                "outOfSyncBytes",
                "pending",
                "unacked",
                "sentBytes",
                "receivedBytes",
                "sizeBytes",
                "upperPending",
                "lowerPending")) {
            assertTrue(!json.contains("\"" + field + "\""), field + " is left out, not written as 0: " + json);
        }
        assertEquals(
                withUnknown,
                EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)).body());
        String old = json.replace(
                "\"resyncSuspended\":false",
                "\"resyncSuspended\":false,\"outOfSyncBytes\":0,\"pending\":0,"
                        + "\"unacked\":0,\"sentBytes\":0,\"receivedBytes\":0");
        DrbdResource read = (DrbdResource)
                EnvelopeCodec.decode(old.getBytes(StandardCharsets.UTF_8)).body();
        assertEquals(
                Optional.of(0L), read.connections().get(0).peerDevices().get(0).outOfSyncBytes(), old);
        assertEquals(
                Optional.of(0L), read.connections().get(0).peerDevices().get(0).unacked());
    }

    @Test
    void leavesOutAVmsFiguresTheSourceDidNotReportAndReadsAnOldRecordsZeroAsZero() throws Exception {
        VmStatus unknown = new VmStatus(
                "web",
                Optional.empty(),
                Hypervisor.LIBVIRT,
                VmState.RUNNING,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("r0"),
                Liveness.NOT_CHECKED,
                Optional.empty());

        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, unknown));

        for (String field : List.of("memoryBytes", "maxMemoryBytes", "vcpus")) {
            assertTrue(!json.contains("\"" + field + "\""), field + " is left out, not written as 0: " + json);
        }
        assertEquals(
                unknown,
                EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)).body());
        String old = json.replace(
                "\"state\":\"running\"", "\"state\":\"running\",\"memoryBytes\":0,\"maxMemoryBytes\":0,\"vcpus\":0");
        VmStatus read = (VmStatus)
                EnvelopeCodec.decode(old.getBytes(StandardCharsets.UTF_8)).body();
        assertEquals(Optional.of(0L), read.memoryBytes(), old);
        assertEquals(Optional.of(0L), read.maxMemoryBytes(), old);
        assertEquals(Optional.of(0), read.vcpus(), old);
    }

    @Test
    void ignoresUnknownFieldsAnywhere() throws Exception {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"kind\":\"drbd\"", "\"kind\":\"drbd\",\"trace\":{\"x\":1}")
                .replace("\"minor\":1000", "\"minor\":1000,\"newInV2\":[1,2]");
        Envelope read = EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(syncingResource(), read.body());
    }

    @Test
    void namesTheMissingFieldDeepInTheBody() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"disk\":\"UpToDate\",", "");
        DecodeException e =
                assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals("body.devices[0].disk", e.field());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void namesAnIllTypedField() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"outOfSyncBytes\":2560000", "\"outOfSyncBytes\":\"lots\"");
        DecodeException e =
                assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals("body.connections[0].peerDevices[0].outOfSyncBytes", e.field());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
    }

    @Test
    void refusesAStateOutsideTheVocabulary() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"disk\":\"UpToDate\"", "\"disk\":\"Fine\"");
        DecodeException e =
                assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("body.devices[0].disk"), e.getMessage());
        assertTrue(e.getMessage().contains("'Fine' is not a DiskState"), e.getMessage());
    }

    @Test
    void refusesMissingEnvelopeFieldsAndUnknownKinds() {
        DecodeException noSeq = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode(
                        "{\"v\":1,\"cluster\":\"c\",\"node\":\"n\",\"ts\":\"2026-11-24T21:03:07Z\",\"kind\":\"vm\",\"body\":{}}"
                                .getBytes(StandardCharsets.UTF_8)));
        assertEquals("seq", noSeq.field());
        DecodeException kind = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode(
                        "{\"v\":1,\"cluster\":\"c\",\"node\":\"n\",\"seq\":1,\"ts\":\"2026-11-24T21:03:07Z\",\"kind\":\"toaster\",\"body\":{}}"
                                .getBytes(StandardCharsets.UTF_8)));
        assertEquals("kind", kind.field());
        DecodeException version = assertThrows(
                DecodeException.class,
                () -> EnvelopeCodec.decode(
                        "{\"v\":2,\"cluster\":\"c\",\"node\":\"n\",\"seq\":1,\"ts\":\"2026-11-24T21:03:07Z\",\"kind\":\"vm\",\"body\":{}}"
                                .getBytes(StandardCharsets.UTF_8)));
        assertEquals("v", version.field());
        assertThrows(DecodeException.class, () -> EnvelopeCodec.decode("garbage{".getBytes(StandardCharsets.UTF_8)));
        assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(new byte[0]));
    }

    @Test
    void refusesHostileNamesOffTheWire() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"resource\":\"r0\"", "\"resource\":\"r0; rm -rf /\"");
        DecodeException e =
                assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("resource") && e.getMessage().contains("not a valid name"), e.getMessage());
        String node = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"node\":\"node-a\"", "\"node\":\"../../etc\"");
        DecodeException n =
                assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(node.getBytes(StandardCharsets.UTF_8)));
        assertTrue(n.getMessage().startsWith("node:"), n.getMessage());
        assertEquals("node", n.field());
    }

    @Test
    void doesNotCoerceTypes() {
        String json = EnvelopeCodec.encodeToString(Envelope.of("pair-1", "node-a", 1, TS, syncingResource()))
                .replace("\"suspended\":false", "\"suspended\":\"no\"");
        DecodeException e =
                assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals("body.suspended", e.field());
    }
}
