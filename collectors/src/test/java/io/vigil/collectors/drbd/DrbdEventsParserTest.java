package io.vigil.collectors.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.drbd.DrbdUpdate.ConnectionUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.DeviceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.HelperUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.InitialStateDone;
import io.vigil.collectors.drbd.DrbdUpdate.PathUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.PeerDeviceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.ResourceUpdate;
import io.vigil.collectors.drbd.DrbdUpdate.Verb;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DrbdEventsParserTest {
    private static final Clitest CREATE_CHANGE = Clitest.read("drbdutils_events2-all-create-change.test");
    private static final Clitest SYNC = Clitest.read("drbdutils_events2-sync.test");
    private static final Clitest HELPER = Clitest.read("drbdutils_events2-all-create-helper.test");

    @Test
    void readsEveryObjectOfTheStatisticsRunWithUnitsInBytes() {
        ParseResult<DrbdUpdate> result =
                DrbdEventsParser.parse("sync", SYNC.run(" --statistics").text());

        assertTrue(result.clean(), () -> result.problems().toString());
        assertEquals(11, result.values().size());
        assertInstanceOf(InitialStateDone.class, result.values().get(0));
        ResourceUpdate resource = (ResourceUpdate) result.values().get(1);
        assertEquals(
                new ResourceUpdate(
                        Verb.CREATE,
                        Optional.empty(),
                        "some-resource",
                        Optional.of(DrbdRole.SECONDARY),
                        Optional.of(false),
                        Optional.of(false),
                        Optional.of(0)),
                resource);
        DeviceUpdate device = (DeviceUpdate) result.values().get(2);
        assertEquals(OptionalInt.of(1000), device.minor());
        assertEquals(Optional.of(DiskState.DISKLESS), device.disk());
        assertEquals(Optional.of(5L * 1024), device.sizeBytes());
        assertEquals(Optional.of(10L * 1024), device.readBytes());
        assertEquals(Optional.of(15L * 1024), device.writtenBytes());
        assertEquals(Optional.of(60L), device.upperPending());
        assertEquals(Optional.of(70L), device.lowerPending());
        ConnectionUpdate connection = (ConnectionUpdate) result.values().get(3);
        assertEquals("some-peer", connection.peer());
        assertEquals(1, connection.peerNodeId());
        assertEquals(Optional.of(ConnectionState.STANDALONE), connection.connection());
        assertEquals(Optional.of(10L * 512), connection.apInFlightBytes(), "ap-in-flight is in 512-byte sectors");
        assertEquals(Optional.of(20L * 512), connection.rsInFlightBytes());
        PathUpdate path = (PathUpdate) result.values().get(5);
        assertEquals("ipv4:1.2.3.4:7789", path.local());
        assertEquals("ipv4:5.6.7.8:7790", path.remote());
        assertEquals(Optional.of(false), path.established());
    }

    @Test
    void readsSyncProgressWithRateInBytesPerSecond() {
        List<DrbdUpdate> updates =
                DrbdEventsParser.parse("sync", SYNC.run(" --statistics").text()).values();

        PeerDeviceUpdate syncing = (PeerDeviceUpdate) updates.get(updates.size() - 1);
        assertEquals(Optional.of(ReplicationState.SYNC_SOURCE), syncing.replication());
        assertEquals(Optional.of(DiskState.INCONSISTENT), syncing.peerDisk());
        assertEquals(Optional.of(37.5), syncing.donePercent());
        assertEquals(Optional.of(2500L * 1024), syncing.outOfSyncBytes());
        assertEquals(Optional.of(0.24 * 1024 * 1024), syncing.resyncRateBytesPerSecond(), "dbdt1 is MiB/s");
        assertEquals(Optional.of(10.0), syncing.etaSeconds());
        assertEquals(Optional.of(10L * 1024), syncing.sentBytes());
        assertEquals(Optional.of(5L * 1024), syncing.receivedBytes());
        assertEquals(Optional.of(30L), syncing.pending());
        assertEquals(Optional.of(40L), syncing.unacked());
    }

    @Test
    void readsTheTimestampPrefix() {
        ParseResult<DrbdUpdate> result =
                DrbdEventsParser.parse("ts", CREATE_CHANGE.run(" --timestamps").withTimestamps());

        assertTrue(result.clean(), () -> result.problems().toString());
        assertEquals(13, result.values().size());
        assertEquals(
                Optional.of(OffsetDateTime.parse("2026-11-24T21:03:07.412345+00:00")),
                result.values().get(0).at());
        ResourceUpdate promoted = (ResourceUpdate) result.values().get(12);
        assertEquals(Verb.CHANGE, promoted.verb());
        assertEquals(Optional.of(DrbdRole.PRIMARY), promoted.role());
        assertEquals(Optional.of(false), promoted.mayPromote());
        assertEquals(Optional.of(10102), promoted.promotionScore());
    }

    @Test
    void plainTimestampedAndFullRunsAgreeOnTheStates() {
        List<DrbdUpdate> plain =
                DrbdEventsParser.parse("plain", CREATE_CHANGE.run("").text()).values();
        List<DrbdUpdate> stamped = DrbdEventsParser.parse(
                        "ts", CREATE_CHANGE.run(" --timestamps").withTimestamps())
                .values();
        ParseResult<DrbdUpdate> full =
                DrbdEventsParser.parse("full", CREATE_CHANGE.run(" --full").text());

        assertTrue(full.clean(), () -> full.problems().toString());
        assertEquals(plain.size(), stamped.size());
        assertEquals(plain.size(), full.values().size());
        assertEquals(((ResourceUpdate) plain.get(12)).role(), ((ResourceUpdate) stamped.get(12)).role());
        assertEquals(
                ((ResourceUpdate) plain.get(12)).role(),
                ((ResourceUpdate) full.values().get(12)).role());
    }

    @Test
    void readsHelperCallsAndResponses() {
        List<DrbdUpdate> updates = DrbdEventsParser.parse(
                        "helper", HELPER.run(" --timestamps").withTimestamps())
                .values();

        HelperUpdate call = (HelperUpdate) updates.get(6);
        assertEquals(Verb.CALL, call.verb());
        assertEquals("before-resync-target", call.helper());
        assertEquals(Optional.of("some-peer"), call.peer());
        assertEquals(OptionalInt.of(0), call.volume());
        assertEquals(OptionalInt.empty(), call.status());
        HelperUpdate response = (HelperUpdate) updates.get(7);
        assertEquals(Verb.RESPONSE, response.verb());
        assertEquals(OptionalInt.of(1), response.status());
    }

    @Test
    void reportsDiffAndColorRunsAsUnsupportedLineByLine() {
        ParseResult<DrbdUpdate> diff =
                DrbdEventsParser.parse("diff", CREATE_CHANGE.run(" --diff").text());
        ParseResult<DrbdUpdate> color =
                DrbdEventsParser.parse("color", CREATE_CHANGE.run(" --color").text());

        assertTrue(diff.problems().stream().allMatch(p -> p.message().contains("--diff")), diff.problems()::toString);
        assertEquals(12, diff.problems().size(), "every create/change line of the --diff run carries old->new");
        // the --color sample went through cat -v, so the escape shows as "^[": still not a state word
        assertTrue(
                color.problems().stream().anyMatch(p -> p.message().contains("DiskState")), color.problems()::toString);
        ParseResult<DrbdUpdate> rawColor =
                DrbdEventsParser.parse("color", "change resource name:r0 role:\u001b[1;36mPrimary\u001b[0m\n");
        assertTrue(rawColor.problems().get(0).message().contains("--color"));
    }

    @Test
    void keepsGoodLinesAroundGarbledAndTruncatedOnes() {
        String text = String.join(
                "\n",
                "exists resource name:r0 role:Primary suspended:no may_promote:no promotion_score:10101",
                "exists device name:r0 volume:0 minor:0 disk:UpTo",
                "exists connection name:r0 peer-node-id:1 conn-name:node-b connection:Connected role:Secondary",
                "exists peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0 replication:Established peer-disk:UpToDate out-of-sync:12x",
                "exists peer-device name:r0 peer-node",
                "\u0000\u0001garbage",
                "exists -",
                "");

        ParseResult<DrbdUpdate> result = DrbdEventsParser.parse("events2.txt", text);

        assertEquals(
                List.of(2, 4, 5, 6),
                result.problems().stream().map(ParseProblem::line).toList());
        assertEquals(3, result.values().size());
        assertTrue(
                result.problems().get(0).message().contains("'UpTo' is not a DiskState"),
                result.problems().get(0)::message);
        assertTrue(result.problems().get(1).message().contains("out-of-sync"));
        assertTrue(result.problems().get(2).message().contains("truncated"));
        assertTrue(result.problems().get(0).toString().startsWith("events2.txt:2: "));
    }

    @Test
    void refusesHostileNames() {
        ParseResult<DrbdUpdate> result = DrbdEventsParser.parse(
                "hostile",
                String.join(
                        "\n",
                        "exists resource name:--force role:Primary",
                        "exists resource name:../../etc role:Primary",
                        "exists connection name:r0 peer-node-id:1 conn-name:$(reboot) connection:Connected role:Secondary",
                        "exists resource name:r0 role:Primary"));

        assertEquals(
                List.of(1, 2, 3),
                result.problems().stream().map(ParseProblem::line).toList());
        assertTrue(result.problems().get(0).message().startsWith("name: '--force' is not a valid resource name"));
        assertTrue(result.problems().get(2).message().startsWith("conn-name:"));
        assertEquals(1, result.values().size());
        assertEquals("r0", ((ResourceUpdate) result.values().get(0)).resource());
    }

    @Test
    void reportsUnknownStateWordsNamingTheField() {
        ParseResult<DrbdUpdate> result = DrbdEventsParser.parse(
                "words",
                String.join(
                        "\n",
                        "change connection name:r0 peer-node-id:1 conn-name:b connection:Dancing",
                        "change peer-device name:r0 peer-node-id:1 conn-name:b volume:0 replication:Sideways",
                        "change resource name:r0 role:Tertiary",
                        "change resource name:r0 suspended:tired",
                        "change resource name:r0 may_promote:maybe",
                        "change device name:r0 volume:0 quorum:perhaps",
                        "change peer-device name:r0 peer-node-id:1 conn-name:b volume:0 resync-suspended:lunch",
                        "change resource name:r0 suspended:user,quorum"));

        assertEquals(7, result.problems().size(), result.problems()::toString);
        assertTrue(result.problems().get(0).message().startsWith("connection: 'Dancing' is not a ConnectionState"));
        assertTrue(result.problems().get(1).message().startsWith("replication: 'Sideways' is not a ReplicationState"));
        assertTrue(result.problems().get(2).message().startsWith("role: 'Tertiary' is not a DrbdRole"));
        assertEquals(Optional.of(true), ((ResourceUpdate) result.values().get(0)).suspended());
    }

    @Test
    void unknownKeysOfNewerDrbdsetupAreSkipped() {
        ParseResult<DrbdUpdate> result = DrbdEventsParser.parse(
                "newer",
                "exists connection name:r0 peer-node-id:1 conn-name:b connection:Connected role:Primary tls:yes\n");

        assertTrue(result.clean());
        assertEquals(
                Optional.of(DrbdRole.PRIMARY),
                ((ConnectionUpdate) result.values().get(0)).peerRole());
    }

    @Test
    void toEventsPublishesEveryResourceAtTheMarkerThenEachChange() {
        ParseResult<io.vigil.events.Body> events = DrbdEventsParser.toEvents(
                "cc", CREATE_CHANGE.run(" --statistics").text());

        assertTrue(events.clean());
        // 5 create lines before any snapshot: the marker comes first in this trace, so the first
        // snapshot follows the first create; each later line that changes the resource adds one
        assertTrue(events.values().size() >= 8, events.values()::toString);
        io.vigil.events.DrbdResource last = (io.vigil.events.DrbdResource)
                events.values().get(events.values().size() - 1);
        assertEquals(DrbdRole.PRIMARY, last.role());
        assertEquals(Optional.of(false), last.mayPromote());
    }

    /** Real DRBD 8.4 lines as drbd-utils 8.9.3 to 8.9.8 print them (no peer-node-id:), from LINBIT/drbdtop's tests. */
    private static final String DRBD84 = Clitest.resource("drbdtop_events2-84.txt");

    @Test
    void readsDrbd84ConnectionAndPeerDeviceLinesThatHaveNoPeerNodeId() {
        ParseResult<DrbdUpdate> result = DrbdEventsParser.parse("84", DRBD84);

        assertTrue(result.clean(), result::problemsText);
        ConnectionUpdate connection = (ConnectionUpdate) result.values().get(2);
        assertEquals("peer", connection.peer());
        assertEquals(0, connection.peerNodeId(), "the node id drbd-utils 8.9.9 and later print for an 8.4 kernel");
        assertEquals(Optional.of(ConnectionState.CONNECTED), connection.connection());
        PeerDeviceUpdate peerDevice = (PeerDeviceUpdate) result.values().get(3);
        assertEquals("peer", peerDevice.peer());
        assertEquals(0, peerDevice.peerNodeId());
        assertEquals(Optional.of(ReplicationState.SYNC_SOURCE), peerDevice.replication());
        assertEquals(Optional.of(205655500L * 1024), peerDevice.outOfSyncBytes());
    }

    @Test
    void aDrbd84ResourceKeepsItsConnectionSoItsResyncIsSeen() {
        ParseResult<io.vigil.events.Body> events = DrbdEventsParser.toEvents("84", DRBD84);

        assertTrue(events.clean(), events::problemsText);
        io.vigil.events.DrbdResource last = (io.vigil.events.DrbdResource)
                events.values().get(events.values().size() - 1);
        assertEquals(1, last.connections().size(), last::toString);
        io.vigil.events.DrbdResource.DrbdConnection peer = last.connections().get(0);
        assertEquals("peer", peer.peer());
        assertEquals(ConnectionState.CONNECTED, peer.connection());
        assertEquals(ReplicationState.SYNC_SOURCE, peer.peerDevices().get(0).replication());
        assertEquals(DiskState.INCONSISTENT, peer.peerDevices().get(0).peerDisk());
    }

    @Test
    void aDrbd84HostPublishesTheSameWhateverItsDrbdUtilsPrintsForTheNodeId() {
        // drbd-utils 8.9.9 (commit 21ed2f4f) added a fixed "peer-node-id:0" to the same lines
        String newer = DRBD84.replace("name:test0 conn-name:peer", "name:test0 peer-node-id:0 conn-name:peer");

        assertTrue(newer.contains("peer-node-id:0"));
        assertEquals(
                DrbdEventsParser.toEvents("84", newer).values(),
                DrbdEventsParser.toEvents("84", DRBD84).values());
    }

    @Test
    void aConnectionLineWithNeitherNodeIdNorNameIsStillRefusedNamingTheField() {
        ParseResult<DrbdUpdate> result =
                DrbdEventsParser.parse("x", "exists connection name:r0 connection:Connected role:Secondary\n");

        assertEquals(1, result.problems().size());
        assertTrue(result.problems().get(0).message().contains("conn-name"), result::problemsText);
    }
}
