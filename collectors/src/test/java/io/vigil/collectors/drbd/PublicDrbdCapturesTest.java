package io.vigil.collectors.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.drbd.ProcDrbdParser.Minor;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DRBD status captured by other projects (src/test/resources/drbd/public, SOURCES.md there names
 * each file's repository, commit and licence): events2 traces of drbd-utils' own tests, a DRBD 9
 * host with two peers, /proc/drbd of DRBD 8.0 to 8.4 while connected, waiting, standalone,
 * diskless, syncing and stalled. Each is read whole and says something specific.
 */
class PublicDrbdCapturesTest {
    private static final String FOLDER = "public/";

    private static List<DrbdResource> events2(String file) {
        ParseResult<Body> result = DrbdEventsParser.toEvents(file, Clitest.resource(FOLDER + file));
        assertTrue(result.clean(), () -> file + ": " + result.problemsText());
        return result.values().stream().map(DrbdResource.class::cast).toList();
    }

    private static List<DrbdResource> clitest(String file) {
        Clitest.Section run = Clitest.read(FOLDER + file).run("");
        ParseResult<Body> result = DrbdEventsParser.toEvents(file, run.text());
        assertTrue(result.clean(), () -> file + ": " + result.problemsText());
        return result.values().stream().map(DrbdResource.class::cast).toList();
    }

    private static List<Minor> proc(String file) {
        ParseResult<Minor> result = ProcDrbdParser.parse(file, Clitest.resource(FOLDER + file));
        assertTrue(result.clean(), () -> file + ": " + result.problemsText());
        return result.values();
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    @Test
    void everyCaptureIsReadWithoutAProblemAndEveryFileHasItsSource() throws IOException, URISyntaxException {
        Path folder =
                Path.of(PublicDrbdCapturesTest.class.getResource("/drbd/public").toURI());
        String sources = Files.readString(folder.resolve("SOURCES.md"));
        List<String> captures;
        try (Stream<Path> files = Files.list(folder)) {
            captures = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("SOURCES.md"))
                    .sorted()
                    .toList();
        }
        assertTrue(captures.size() >= 15, captures.toString());
        for (String capture : captures) {
            assertTrue(sources.contains("`" + capture + "`"), capture + " is not listed in SOURCES.md");
            if (capture.endsWith(".test")) {
                assertTrue(!clitest(capture).isEmpty(), capture);
            } else if (capture.contains("events2")) {
                assertTrue(!events2(capture).isEmpty(), capture);
            } else if (!capture.contains("drbd07")) {
                assertTrue(!proc(capture).isEmpty(), capture);
            }
        }
    }

    @Test
    void drbd9HostWithTwoPeersKeepsEachPeerApart() {
        List<DrbdResource> resources = events2("centreon_events2-two-peers-statistics.txt");
        assertEquals(1, resources.size(), "one snapshot at 'exists -'");
        DrbdResource r = resources.get(0);
        assertEquals("drbd1", r.resource());
        assertEquals(DrbdRole.SECONDARY, r.role());
        assertEquals(DiskState.UP_TO_DATE, r.devices().get(0).disk());
        assertEquals(
                Optional.of(765868L * 1024),
                r.devices().get(0).statistics().orElseThrow().sizeBytes());
        List<DrbdConnection> peers = r.connections();
        assertEquals(
                List.of("central-2004", "poller-2004-1"),
                peers.stream().map(DrbdConnection::peer).toList());
        assertEquals(
                List.of(0, 1), peers.stream().map(DrbdConnection::peerNodeId).toList());
        assertEquals(
                List.of(DrbdRole.PRIMARY, DrbdRole.SECONDARY),
                peers.stream().map(DrbdConnection::peerRole).toList());
        DrbdPeerDevice fromPrimary = peers.get(0).peerDevices().get(0);
        assertEquals(ReplicationState.ESTABLISHED, fromPrimary.replication());
        assertEquals(Optional.of(765868L * 1024), fromPrimary.receivedBytes());
        assertEquals(Optional.of(0L), peers.get(1).peerDevices().get(0).outOfSyncBytes(), "measured 0, not unknown");
    }

    @Test
    void lostQuorumTakesAwayPromotion() {
        DrbdResource end = last(clitest("drbdutils_events2-may-promote-quorum.test"));
        assertEquals(Optional.of(false), end.mayPromote());
        assertEquals(Optional.of(0), end.promotionScore());
        assertEquals(Optional.of(false), end.devices().get(0).quorum());
        assertEquals(DiskState.UP_TO_DATE, end.devices().get(0).disk());
    }

    @Test
    void inconsistentDiskPromotesOnlyThroughItsUpToDatePeer() {
        DrbdResource end = last(clitest("drbdutils_events2-promotion-score-inconsistent.test"));
        assertEquals(DiskState.INCONSISTENT, end.devices().get(0).disk());
        assertEquals(Optional.of(true), end.mayPromote());
        DrbdConnection peer = end.connections().get(0);
        assertEquals(ConnectionState.CONNECTED, peer.connection());
        assertEquals(DiskState.UP_TO_DATE, peer.peerDevices().get(0).peerDisk());
        assertEquals(Optional.empty(), peer.peerDevices().get(0).outOfSyncBytes(), "no --statistics: unknown");
    }

    @Test
    void peerDataMakesADisklessNodePromotable() {
        DrbdResource end = last(clitest("drbdutils_events2-may-promote-peer-data.test"));
        assertEquals(DiskState.DISKLESS, end.devices().get(0).disk());
        assertEquals(Optional.of(1), end.promotionScore());
        assertEquals(
                ReplicationState.ESTABLISHED,
                end.connections().get(0).peerDevices().get(0).replication());
    }

    @Test
    void volumesComeAndGoInAnyOrder() {
        List<DrbdResource> snapshots = clitest("drbdutils_events2-device-create-destroy.test");
        assertTrue(snapshots.stream().anyMatch(r -> r.devices().size() == 2));
        assertTrue(
                snapshots.stream()
                        .allMatch(r -> r.devices().stream()
                                .map(d -> d.volume())
                                .sorted()
                                .toList()
                                .equals(r.devices().stream()
                                        .map(d -> d.volume())
                                        .toList())),
                "devices in volume order");
        List<DrbdResource> created = clitest("drbdutils_events2-resource-create-destroy.test");
        assertEquals(List.of(), created.get(0).devices());
    }

    @Test
    void drbd84WithWaitingDisklessAndStandaloneMinors() {
        List<Minor> minors = proc("ganeti_proc_drbd84.txt");
        assertEquals(List.of(0, 1, 4, 6, 8), minors.stream().map(Minor::minor).toList(), "minor 2 is Unconfigured");
        Minor waiting = minors.get(2);
        assertEquals(ConnectionState.CONNECTING, waiting.connection());
        assertEquals(Optional.of(1048320L * 1024), waiting.outOfSyncBytes());
        assertEquals(DiskState.DISKLESS, minors.get(3).disk());
        Minor alone = minors.get(4);
        assertEquals(ConnectionState.STANDALONE, alone.connection());
        assertEquals(DiskState.DUNKNOWN, alone.peerDisk());
    }

    @Test
    void drbd83AndItsBlankAndEmptyLines() {
        List<Minor> minors = proc("ganeti_proc_drbd83.txt");
        assertEquals(
                List.of(0, 1, 4, 5, 6, 7, 8), minors.stream().map(Minor::minor).toList());
        assertEquals(DiskState.DISKLESS, minors.get(3).peerDisk());
        assertEquals(1, proc("ganeti_proc_drbd80-emptyline.txt").size());
        assertEquals(1, proc("ganeti_proc_drbd80-emptyversion.txt").size());
        assertEquals(4, proc("ganeti_proc_drbd84_emptyfirst.txt").size());
        List<Minor> centreon = proc("centreon_proc_drbd837.txt");
        assertEquals(Optional.of(1272711944L * 1024), centreon.get(1).writtenBytes());
        assertEquals(DrbdRole.PRIMARY, centreon.get(1).peerRole());
    }

    @Test
    void drbd838ResyncWithDelayProbeReadsItsProgressWhole() {
        // DRBD 8.3.x printed "delay_probe: N" after the progress bar
        Minor syncing = proc("checkmk_proc_drbd838_syncing.txt").get(0);
        assertEquals(ReplicationState.SYNC_SOURCE, syncing.replication());
        assertEquals(DiskState.INCONSISTENT, syncing.peerDisk());
        assertEquals(Optional.of(42.4), syncing.donePercent());
        assertEquals(Optional.of(3600.0 + 23 * 60 + 28), syncing.etaSeconds());
        assertEquals(Optional.of(60172.0 * 1024), syncing.rateBytesPerSecond());
        assertEquals(Optional.of(301729988L * 1024), syncing.outOfSyncBytes());
        assertEquals(Optional.of(37L), syncing.unacked());

        Minor stalled = proc("checkmk_proc_drbd838_stalled.txt").get(0);
        assertEquals(Optional.of(0.1), stalled.donePercent());
        assertEquals(Optional.empty(), stalled.etaSeconds(), "stalled: no finish time");
        assertEquals(Optional.empty(), stalled.rateBytesPerSecond());

        Minor synced = proc("checkmk_proc_drbd838_synced.txt").get(0);
        assertEquals(ReplicationState.ESTABLISHED, synced.replication());
        assertEquals(Optional.of(0L), synced.outOfSyncBytes());
    }

    @Test
    void drbd07IsRefusedSayingWhichVersionsAreRead() {
        ParseResult<Minor> result = ProcDrbdParser.parse(
                "centreon_proc_drbd07_ld.txt", Clitest.resource(FOLDER + "centreon_proc_drbd07_ld.txt"));
        assertEquals(List.of(), result.values());
        assertEquals(1, result.problems().size(), result.problemsText());
        assertEquals(1, result.problems().get(0).line());
        assertTrue(result.problems().get(0).message().contains("DRBD 0.7"), result.problemsText());
    }
}
