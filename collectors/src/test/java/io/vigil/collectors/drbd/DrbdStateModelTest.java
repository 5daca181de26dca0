package io.vigil.collectors.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DeviceStatistics;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DrbdStateModelTest {
    private static final Clitest CREATE_CHANGE = Clitest.read("drbdutils_events2-all-create-change.test");
    private static final Clitest SYNC = Clitest.read("drbdutils_events2-sync.test");

    /** A healthy two-node resource as `drbdsetup events2 --statistics` dumps it (hand-written in its format). */
    private static final String HEALTHY_DUMP = String.join(
            "\n",
            "exists resource name:r0 role:Primary suspended:no force-io-failures:no write-ordering:flush may_promote:no promotion_score:10101",
            "exists device name:r0 volume:0 minor:0 backing_dev:/dev/vg0/r0 disk:UpToDate client:no open:yes quorum:yes size:1048576 read:100 written:200 al-writes:1 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no",
            "exists connection name:r0 peer-node-id:1 conn-name:node-b connection:Connected role:Secondary congested:no ap-in-flight:0 rs-in-flight:0",
            "exists peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no received:0 sent:200 out-of-sync:0 pending:0 unacked:0",
            "exists path name:r0 peer-node-id:1 conn-name:node-b local:ipv4:10.0.0.1:7789 peer:ipv4:10.0.0.2:7789 established:yes",
            "exists -",
            "");

    private static List<DrbdResource> feed(DrbdStateModel model, String text) {
        ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parse("test", text);
        assertTrue(parsed.clean(), parsed.problems()::toString);
        List<DrbdResource> out = new ArrayList<>();
        parsed.values().forEach(u -> out.addAll(model.apply(u)));
        return out;
    }

    @Test
    void publishesEveryResourceOnceTheDumpIsComplete() {
        DrbdStateModel model = new DrbdStateModel();
        ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parse("dump", HEALTHY_DUMP);
        List<DrbdResource> before = new ArrayList<>();
        parsed.values().subList(0, 5).forEach(u -> before.addAll(model.apply(u)));

        List<DrbdResource> atMarker = model.apply(parsed.values().get(5));

        assertEquals(List.of(), before, "nothing is published before exists -");
        assertEquals(1, atMarker.size());
        DrbdResource r0 = atMarker.get(0);
        assertEquals(DrbdRole.PRIMARY, r0.role());
        assertEquals(DiskState.UP_TO_DATE, r0.devices().get(0).disk());
        assertEquals(
                Optional.of(new DeviceStatistics(
                        Optional.of(1048576L * 1024), 100L * 1024, 200L * 1024, Optional.of(0L), Optional.of(0L))),
                r0.devices().get(0).statistics());
        assertEquals(ConnectionState.CONNECTED, r0.connections().get(0).connection());
        assertEquals(
                ReplicationState.ESTABLISHED,
                r0.connections().get(0).peerDevices().get(0).replication());
        assertEquals(
                "ipv4:10.0.0.2:7789", r0.connections().get(0).paths().get(0).peer());
    }

    /** events2 without --statistics says nothing of what is in flight: unknown, not 0; the next statistics line fills it in. */
    @Test
    void inFlightBytesAreUnknownUntilAStatisticsLineReportsThem() {
        DrbdStateModel model = new DrbdStateModel();
        List<DrbdResource> plain = feed(model, HEALTHY_DUMP.replace(" ap-in-flight:0 rs-in-flight:0", ""));
        DrbdResource.DrbdConnection unknown = plain.get(0).connections().get(0);
        assertEquals(Optional.empty(), unknown.apInFlightBytes());
        assertEquals(Optional.empty(), unknown.rsInFlightBytes());

        List<DrbdResource> measured = feed(
                model, "change connection name:r0 peer-node-id:1 conn-name:node-b ap-in-flight:8 rs-in-flight:0\n");
        DrbdResource.DrbdConnection known = measured.get(0).connections().get(0);
        assertEquals(Optional.of(8L * 512), known.apInFlightBytes());
        assertEquals(Optional.of(0L), known.rsInFlightBytes());
    }

    @Test
    void mergesChangeLinesThatCarryOnlyWhatChanged() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);

        List<DrbdResource> published = feed(
                model,
                "change peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0 replication:Established peer-disk:Outdated peer-client:no\n"
                        + "change device name:r0 volume:0 minor:0 disk:UpToDate client:no open:yes quorum:no\n");

        assertEquals(2, published.size());
        DrbdResource last = published.get(1);
        assertEquals(DrbdRole.PRIMARY, last.role(), "the role from the dump is kept");
        assertEquals(
                DiskState.OUTDATED,
                last.connections().get(0).peerDevices().get(0).peerDisk());
        assertEquals(
                Optional.of(200L * 1024),
                last.connections().get(0).peerDevices().get(0).sentBytes(),
                "counters from the dump are kept");
        assertEquals(Optional.of(false), last.devices().get(0).quorum());
    }

    @Test
    void publishesNothingForAChangeThatChangesNothingItReports() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);

        List<DrbdResource> published = feed(
                model,
                "change device name:r0 volume:0 minor:0 backing_dev:/dev/vg0/r0 disk:UpToDate client:no open:no quorum:yes\n");

        assertEquals(List.of(), published, "only 'open' changed, which a DrbdResource does not carry");
    }

    @Test
    void followsSyncProgressAndDropsItWhenTheResyncEnds() {
        DrbdStateModel model = new DrbdStateModel();
        List<DrbdResource> published = feed(model, SYNC.run(" --statistics").text());

        DrbdPeerDevice syncing = published
                .get(published.size() - 1)
                .connections()
                .get(0)
                .peerDevices()
                .get(0);
        assertEquals(ReplicationState.SYNC_SOURCE, syncing.replication());
        assertEquals(Optional.of(37.5), syncing.donePercent());
        assertEquals(Optional.of(10.0), syncing.etaSeconds());
        assertEquals(Optional.of(0.24 * 1024 * 1024), syncing.resyncRateBytesPerSecond());
        assertEquals(Optional.of(2500L * 1024), syncing.outOfSyncBytes());

        List<DrbdResource> done = feed(
                model,
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 "
                        + "replication:Established peer-disk:UpToDate peer-client:no received:5 sent:2510 pending:0 unacked:0\n");

        DrbdPeerDevice synced = done.get(0).connections().get(0).peerDevices().get(0);
        assertEquals(Optional.empty(), synced.donePercent());
        assertEquals(Optional.empty(), synced.etaSeconds());
        assertEquals(Optional.empty(), synced.resyncRateBytesPerSecond());
    }

    @Test
    void aStatisticsLineWithoutOutOfSyncMeansNothingIsOutOfSync() {
        // drbdsetup prints out-of-sync: only when it is not 0 (or with --verbose): a statistics
        // line (received:/sent:) without it says 0, a line without statistics says nothing
        DrbdStateModel model = new DrbdStateModel();
        feed(model, SYNC.run(" --statistics").text());
        List<DrbdResource> stateOnly = feed(
                model,
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 "
                        + "replication:Established peer-disk:UpToDate peer-client:no\n");
        assertEquals(
                Optional.of(2500L * 1024),
                stateOnly.get(0).connections().get(0).peerDevices().get(0).outOfSyncBytes(),
                "a line without statistics leaves the figure as it was");

        List<DrbdResource> done = feed(
                model,
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 "
                        + "received:5 sent:2510\n");

        assertEquals(
                Optional.of(0L),
                done.get(0).connections().get(0).peerDevices().get(0).outOfSyncBytes());
    }

    @Test
    void countersEvents2DoesNotPrintAreUnknownNotZero() {
        // without --statistics drbdsetup prints no counters; without --verbose no size:, pending:,
        // unacked:, upper-pending: or lower-pending:
        DrbdStateModel model = new DrbdStateModel();
        List<DrbdResource> plain = feed(model, SYNC.run("").text());
        DrbdPeerDevice syncing =
                plain.get(plain.size() - 1).connections().get(0).peerDevices().get(0);
        assertEquals(ReplicationState.SYNC_SOURCE, syncing.replication());
        assertEquals(Optional.empty(), syncing.outOfSyncBytes(), "not 0 B out of sync while a resync runs");
        assertEquals(Optional.empty(), syncing.sentBytes());
        assertEquals(Optional.empty(), syncing.pending());

        DrbdStateModel statistics = new DrbdStateModel();
        List<DrbdResource> withStatistics = feed(
                statistics,
                String.join(
                        "\n",
                        "exists resource name:r0 role:Primary suspended:no",
                        "exists device name:r0 volume:0 minor:0 disk:UpToDate client:no quorum:yes read:100 written:200",
                        "exists connection name:r0 peer-node-id:1 conn-name:node-b connection:Connected role:Secondary congested:no",
                        "exists peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0 replication:Established peer-disk:UpToDate "
                                + "peer-client:no resync-suspended:no received:0 sent:200",
                        "exists -",
                        ""));
        DrbdResource r0 = withStatistics.get(0);
        assertEquals(
                Optional.of(new DeviceStatistics(
                        Optional.empty(), 100L * 1024, 200L * 1024, Optional.empty(), Optional.empty())),
                r0.devices().get(0).statistics());
        DrbdPeerDevice established = r0.connections().get(0).peerDevices().get(0);
        assertEquals(Optional.of(0L), established.outOfSyncBytes(), "a statistics line without out-of-sync: says 0");
        assertEquals(Optional.empty(), established.pending());
        assertEquals(Optional.empty(), established.unacked());
    }

    @Test
    void followsPromotionFromMayPromoteToPrimary() {
        List<Body> events =
                DrbdEventsParser.toEvents("cc", CREATE_CHANGE.run("").text()).values();
        List<DrbdResource> snapshots =
                events.stream().map(DrbdResource.class::cast).toList();

        // the trace starts empty (exists - first): 5 creates, then 7 changes, each visible
        assertEquals(12, snapshots.size());
        assertEquals(Optional.of(false), snapshots.get(0).mayPromote());
        DrbdResource ready = snapshots.get(9);
        assertEquals(Optional.of(true), ready.mayPromote());
        assertEquals(Optional.of(10102), ready.promotionScore());
        assertEquals(DrbdRole.SECONDARY, ready.role());
        DrbdResource promoted = snapshots.get(11);
        assertEquals(DrbdRole.PRIMARY, promoted.role());
        assertEquals(Optional.of(false), promoted.mayPromote(), "a Primary may not promote again");
        assertEquals(DrbdRole.SECONDARY, promoted.connections().get(0).peerRole());
    }

    @Test
    void reportsSplitBrainWhenTheHelperFiresAndKeepsItUntilReplicationIsEstablishedAgain() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);
        String conn = "name:r0 peer-node-id:1 conn-name:node-b";

        List<DrbdResource> lost = feed(
                model,
                String.join(
                        "\n",
                        "2026-11-24T21:03:07.100000+00:00 change connection " + conn
                                + " connection:Unconnected role:Unknown",
                        "2026-11-24T21:03:07.100001+00:00 change peer-device " + conn
                                + " volume:0 replication:Off peer-disk:DUnknown peer-client:no",
                        "2026-11-24T21:03:07.200000+00:00 change connection " + conn + " connection:Connecting",
                        "2026-11-24T21:03:08.000000+00:00 call helper " + conn + " volume:0 helper:split-brain",
                        "2026-11-24T21:03:08.010000+00:00 response helper " + conn
                                + " volume:0 helper:split-brain status:0",
                        "2026-11-24T21:03:08.020000+00:00 change connection " + conn + " connection:StandAlone",
                        ""));

        assertFalse(lost.get(2).splitBrain(), "Connecting alone is no split-brain");
        assertTrue(lost.get(3).splitBrain(), "the helper call is the fact");
        DrbdResource standAlone = lost.get(lost.size() - 1);
        assertEquals(ConnectionState.STANDALONE, standAlone.connections().get(0).connection());
        assertTrue(standAlone.splitBrain(), "kept through the StandAlone that follows");

        List<DrbdResource> resolving = feed(
                model,
                String.join(
                        "\n",
                        "change connection " + conn + " connection:Connecting",
                        "change connection " + conn + " connection:Connected role:Secondary",
                        "change peer-device " + conn
                                + " volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no done:10.00",
                        ""));
        assertTrue(resolving.stream().allMatch(DrbdResource::splitBrain), "still set while the data converges");

        List<DrbdResource> healed = feed(
                model,
                "change peer-device " + conn + " volume:0 replication:Established peer-disk:UpToDate peer-client:no\n");
        assertFalse(healed.get(0).splitBrain());
    }

    @Test
    void keepsSplitBrainAcrossARestartOfEvents2() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);
        feed(
                model,
                "call helper name:r0 peer-node-id:1 conn-name:node-b volume:0 helper:split-brain\n"
                        + "change connection name:r0 peer-node-id:1 conn-name:node-b connection:StandAlone role:Unknown\n");

        model.restart();
        List<DrbdResource> again = feed(
                model,
                HEALTHY_DUMP
                        .replace("connection:Connected role:Secondary", "connection:StandAlone role:Unknown")
                        .replace("replication:Established", "replication:Off"));

        assertTrue(again.get(0).splitBrain());
    }

    @Test
    void readsSplitBrainFromTheSyncStateOfNewerDrbdsetup() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);

        List<DrbdResource> out = feed(
                model,
                "change connection name:r0 peer-node-id:1 conn-name:node-b connection:StandAlone role:Unknown sync-state:SplitBrain\n");

        assertTrue(out.get(0).splitBrain());
    }

    @Test
    void aDestroyedResourceYieldsNoMoreSnapshots() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);

        List<DrbdResource> out = feed(
                model,
                String.join(
                        "\n",
                        "destroy peer-device name:r0 peer-node-id:1 conn-name:node-b volume:0",
                        "destroy connection name:r0 peer-node-id:1 conn-name:node-b",
                        "destroy device name:r0 volume:0",
                        "destroy resource name:r0",
                        "change resource name:r0 role:Secondary",
                        ""));

        assertEquals(3, out.size());
        assertEquals(List.of(), out.get(1).connections());
        assertEquals(List.of(), out.get(2).devices());
        assertEquals(List.of(), model.snapshots());
    }

    @Test
    void mergesAStatisticsDumpPublishingOnlyWhatChanged() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);

        List<DrbdResource> same =
                model.merge(DrbdEventsParser.parse("now", HEALTHY_DUMP).values());
        List<DrbdResource> moved =
                model.merge(DrbdEventsParser.parse("now", HEALTHY_DUMP.replace("sent:200", "sent:300"))
                        .values());

        assertEquals(List.of(), same);
        assertEquals(1, moved.size());
        assertEquals(
                Optional.of(300L * 1024),
                moved.get(0).connections().get(0).peerDevices().get(0).sentBytes());
    }

    @Test
    void putsMeasuredLatencyOnTheConnection() {
        DrbdStateModel model = new DrbdStateModel();
        feed(model, HEALTHY_DUMP);
        DrbdStateModel.PeerLink link = model.peerLinks().get(0);

        List<DrbdResource> out =
                model.latencies(Map.of(link, new ReplicationLatency(Optional.of(0.0004), Optional.of(0.012))));

        assertEquals(new DrbdStateModel.PeerLink("r0", "node-b", Optional.of("ipv4:10.0.0.2:7789")), link);
        assertEquals(
                Optional.of(0.0004), out.get(0).connections().get(0).latency().roundTripSeconds());
        assertEquals(
                Optional.of(0.012), out.get(0).connections().get(0).latency().oldestRequestSeconds());
    }
}
