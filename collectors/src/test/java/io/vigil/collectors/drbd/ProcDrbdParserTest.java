package io.vigil.collectors.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.drbd.ProcDrbdParser.Minor;
import io.vigil.collectors.drbd.ProcDrbdParser.MinorName;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcDrbdParserTest {

    private static ParseResult<Minor> parse(String sample) {
        return ProcDrbdParser.parse(sample, Clitest.resource(sample));
    }

    @Test
    void readsTheHeaderOfDrbd9WhichListsOnlyTheTransports() {
        // DRBD 9's /proc/drbd is a header and nothing else: its state is in events2
        ParseResult<Minor> parsed = ProcDrbdParser.parse("proc", """
                version: 9.2.12 (api:2/proto:86-122)
                GIT-hash: 1d8cbba8a9a8b1a1b1b1b1b1b1b1b1b1b1b1b1b1 build by root@node-a, 2024-11-04 10:00:00
                Transports (api:21): tcp (9.2.12)
                """);
        assertTrue(parsed.values().isEmpty());
        assertEquals(1, parsed.problems().size(), parsed::problemsText);
        assertEquals(1, parsed.problems().get(0).line(), "the version line");
        assertTrue(parsed.problems().get(0).message().contains("drbd-events2"), parsed::problemsText);
    }

    @Test
    void anEmptyDrbd8ProcDrbdNeedsNoHint() {
        ParseResult<Minor> parsed = ProcDrbdParser.parse(
                "proc", "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 2D876214BAAD53B31ADC1D6\n");

        assertTrue(parsed.clean(), parsed::problemsText);
        assertTrue(parsed.values().isEmpty());
    }

    @Test
    void readsDrbd80WithItsStField() {
        ParseResult<Minor> result = parse("ganeti_proc_drbd8.txt");

        assertTrue(result.clean(), result.problems()::toString);
        assertEquals(
                List.of(0, 1, 4, 5, 6, 7, 8),
                result.values().stream().map(Minor::minor).toList(),
                "minor 2 is Unconfigured");
        Minor zero = result.values().get(0);
        assertEquals(ConnectionState.CONNECTED, zero.connection());
        assertEquals(ReplicationState.ESTABLISHED, zero.replication());
        assertEquals(DrbdRole.PRIMARY, zero.role());
        assertEquals(DrbdRole.SECONDARY, zero.peerRole());
        assertEquals(Optional.of(4375577L * 1024), zero.sentBytes());
        assertEquals(Optional.of(4446279L * 1024), zero.writtenBytes());
        assertEquals(Optional.of(674L * 1024), zero.readBytes());
        assertEquals(Optional.empty(), zero.outOfSyncBytes(), "DRBD 8.0 prints no oos: unknown, not 0");
        DrbdResource.DrbdPeerDevice published = ProcDrbdParser.toResources(result.values(), Map.of())
                .get(0)
                .connections()
                .get(0)
                .peerDevices()
                .get(0);
        assertEquals(Optional.empty(), published.outOfSyncBytes());
        assertEquals(Optional.of(4375577L * 1024), published.sentBytes());
        Minor waiting = result.values().get(2);
        assertEquals(ConnectionState.CONNECTING, waiting.connection(), "WFConnection reads as Connecting");
        assertEquals(ReplicationState.OFF, waiting.replication());
        assertEquals(DiskState.DUNKNOWN, waiting.peerDisk());
        assertEquals(DiskState.DISKLESS, result.values().get(3).peerDisk());
        assertEquals(DiskState.DISKLESS, result.values().get(4).disk());
        Minor alone = result.values().get(6);
        assertEquals(ConnectionState.STANDALONE, alone.connection());
        assertEquals(DrbdRole.UNKNOWN, alone.peerRole());
    }

    @Test
    void readsDrbd83SyncProgressAcrossTheNulByte() {
        ParseResult<Minor> result = parse("ganeti_proc_drbd83_sync.txt");

        assertTrue(result.clean(), result.problems()::toString);
        assertEquals(
                List.of(0, 1, 3, 4), result.values().stream().map(Minor::minor).toList());
        assertEquals(
                Optional.of(140980L * 1024),
                result.values().get(1).receivedBytes(),
                "the line after the NUL byte is read");
        Minor target = result.values().get(2);
        assertEquals(ConnectionState.CONNECTED, target.connection());
        assertEquals(ReplicationState.SYNC_TARGET, target.replication());
        assertEquals(DiskState.INCONSISTENT, target.disk());
        assertEquals(DiskState.UP_TO_DATE, target.peerDisk());
        assertEquals(Optional.of(346112L * 1024), target.outOfSyncBytes());
        assertEquals(Optional.of(34.9), target.donePercent());
        assertEquals(Optional.of(5.0), target.etaSeconds());
        assertEquals(Optional.of(59392.0 * 1024), target.rateBytesPerSecond());
        assertEquals(Optional.empty(), result.values().get(0).donePercent());
    }

    @Test
    void readsDrbd84WithBlankLinesAndFlags() {
        ParseResult<Minor> result = parse("ganeti_proc_drbd84_sync.txt");

        assertTrue(result.clean(), result.problems()::toString);
        assertEquals(List.of(0, 5), result.values().stream().map(Minor::minor).toList());
        Minor standAlone = result.values().get(0);
        assertEquals(ConnectionState.STANDALONE, standAlone.connection());
        assertEquals(DrbdRole.PRIMARY, standAlone.role());
        assertEquals(Optional.of(1048320L * 1024), standAlone.outOfSyncBytes());
        Minor source = result.values().get(1);
        assertEquals(ReplicationState.SYNC_SOURCE, source.replication());
        assertEquals(DiskState.INCONSISTENT, source.peerDisk());
        assertEquals(Optional.of(33L), source.pending());
        assertEquals(Optional.of(18L), source.unacked());
        assertTrue(source.congested(), "flag r---n- says the network is congested");
        assertFalse(source.suspended());
        assertEquals(Optional.of(68.5), source.donePercent());
        assertEquals(Optional.of(64800.0 * 1024), source.rateBytesPerSecond());
    }

    @Test
    void namesMinorsFromTheConfigurationElseMinorN() {
        List<Minor> minors = parse("ganeti_proc_drbd84_sync.txt").values();

        List<DrbdResource> named = ProcDrbdParser.toResources(minors, Map.of(5, new MinorName("r5", 0)));

        assertEquals(
                List.of("minor-0", "r5"),
                named.stream().map(DrbdResource::resource).toList());
        DrbdResource r5 = named.get(1);
        assertEquals(DrbdRole.SECONDARY, r5.role());
        assertEquals(ProcDrbdParser.PEER, r5.connections().get(0).peer());
        assertEquals(
                ReplicationState.SYNC_SOURCE,
                r5.connections().get(0).peerDevices().get(0).replication());
        assertEquals(5, r5.devices().get(0).minor());
    }

    @Test
    void groupsTheVolumesOfOneResource() {
        List<Minor> minors = parse("ganeti_proc_drbd8.txt").values();

        List<DrbdResource> resources =
                ProcDrbdParser.toResources(minors, Map.of(0, new MinorName("r0", 0), 1, new MinorName("r0", 1)));

        DrbdResource r0 = resources.get(0);
        assertEquals("r0", r0.resource());
        assertEquals(
                List.of(0, 1),
                r0.devices().stream().map(DrbdResource.DrbdDevice::volume).toList());
        assertEquals(2, r0.connections().get(0).peerDevices().size());
    }

    @Test
    void reportsBadBlocksWithLineNumbersAndKeepsTheOthers() {
        String text = String.join(
                "\n",
                "version: 8.4.2 (api:1/proto:86-101)",
                " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----",
                "    ns:1 nr:0 dw:1 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0",
                " 1: cs:Dancing ro:Primary/Secondary ds:UpToDate/UpToDate C r-----",
                "    ns:1 nr:0 dw:1 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0",
                " 2: cs:Connected ro:Primary/Secondary ds:UpToDate/UpTo C r-----",
                " 3: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----",
                "    ns:1 nr:zero dw:1",
                " 4: cs:Connected ro:Primary/Secondary",
                "garbage",
                " 5: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----",
                "    ns:0 nr:7 dw:7 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0",
                "");

        ParseResult<Minor> result = ProcDrbdParser.parse("proc", text);

        assertEquals(
                List.of(0, 3, 5),
                result.values().stream().map(Minor::minor).toList(),
                "a garbled counters line loses that line, not minor 3");
        assertEquals(
                List.of(4, 6, 8, 9, 10),
                result.problems().stream().map(ParseProblem::line).toList(),
                result.problems()::toString);
        assertTrue(result.problems().get(0).message().contains("'Dancing' is not a DRBD 8 connection state"));
        assertTrue(result.problems().get(1).message().contains("'UpTo' is not a DiskState"));
        assertTrue(
                result.problems().get(2).message().startsWith("minor 3: line skipped"),
                result.problems().get(2)::message);
        assertTrue(result.problems().get(3).message().contains("truncated"));
    }

    @Test
    void toEventsPublishesOneResourcePerConfiguredMinor() {
        ParseResult<Body> events = ProcDrbdParser.toEvents("proc", Clitest.resource("ganeti_proc_drbd83_sync.txt"));

        assertTrue(events.clean());
        assertEquals(4, events.values().size());
        assertEquals("minor-3", ((DrbdResource) events.values().get(2)).resource());
    }

    @Test
    void minorNamesReadsOneMinorPerVolume() {
        assertEquals(Map.of(3, new MinorName("r0", 0), 4, new MinorName("r0", 1)), MinorNames.minorsOf("r0", "3\n4\n"));
    }

    @Test
    void anUnknownProgressLineLosesThatLineNeverTheMinorAroundIt() {
        String text = String.join(
                "\n",
                "version: 8.4.11 (api:1/proto:86-101)",
                " 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----",
                "    ns:0 nr:460288 dw:460160 dr:0 al:0 bm:28 lo:2 pe:4 ua:1 ap:0 ep:1 wo:f oos:588416",
                "\t[==============>.....] resynced: 74.3% (2632/10232)M",
                "\tfinish: 0:00:08 speed: 65,736 (65,736) want: 61,440 K/sec",
                " 1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----",
                "    ns:1 nr:0 dw:1 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0",
                "");

        ParseResult<Minor> result = ProcDrbdParser.parse("proc", text);

        assertEquals(List.of(0, 1), result.values().stream().map(Minor::minor).toList(), result::problemsText);
        Minor target = result.values().get(0);
        assertEquals(ReplicationState.SYNC_TARGET, target.replication());
        assertEquals(DiskState.INCONSISTENT, target.disk());
        assertEquals(Optional.of(588416L * 1024), target.outOfSyncBytes());
        assertEquals(Optional.of(8.0), target.etaSeconds(), "the lines after the unknown one are still read");
        assertEquals(1, result.problems().size(), result::problemsText);
        assertEquals(4, result.problems().get(0).line());
        assertTrue(result.problems().get(0).message().startsWith("minor 0: line skipped"), result::problemsText);
    }

    @Test
    void readsTheResyncControllersFiguresAfterTheBarOfDrbd838() {
        // drbd_proc.c from 223ab178 (8.3.8): " queue_delay: N.N ms" on a SyncTarget, " delay_probe: N" on a SyncSource
        String text = String.join(
                "\n",
                "version: 8.3.8 (api:88/proto:86-94)",
                " 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r----",
                "    ns:0 nr:460288 dw:460160 dr:0 al:0 bm:28 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:921600",
                "\t[=>..................] sync'ed: 12.5% (900/1024)M queue_delay: 0.9 ms",
                "\tfinish: 0:01:00 speed: 15,360 (14,000) want: 20,480 K/sec",
                " 1: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r----",
                "    ns:524288 nr:0 dw:0 dr:524288 al:0 bm:32 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:524288",
                "\t[=========>..........] sync'ed: 50.0% (512/1024)M delay_probe: 17",
                "\tfinish: 0:00:30 speed: 17,476 (17,476) K/sec",
                "");

        ParseResult<Minor> result = ProcDrbdParser.parse("proc", text);

        assertTrue(result.clean(), result::problemsText);
        assertEquals(Optional.of(12.5), result.values().get(0).donePercent());
        assertEquals(Optional.of(60.0), result.values().get(0).etaSeconds());
        assertEquals(Optional.of(50.0), result.values().get(1).donePercent());
        assertEquals(Optional.of(30.0), result.values().get(1).etaSeconds());
    }

    @Test
    void aProgressLineWhoseTailCannotBeReadChangesNothing() {
        String text = String.join(
                "\n",
                " 0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r----",
                "\t[=======>............] sync'ed: 42.4% (294656/510908)M frobnicate: 3",
                "");

        ParseResult<Minor> result = ProcDrbdParser.parse("proc", text);

        assertEquals(1, result.problems().size(), result::problemsText);
        assertEquals(2, result.problems().get(0).line());
        assertEquals(Optional.empty(), result.values().get(0).donePercent(), "a skipped line is skipped whole");
    }

    /**
     * Every detail line drbd_proc.c prints under a minor, DRBD 8.0 to 8.4 (LINBIT/drbd-8.4's history
     * since 2004, which holds 8.0 to 8.3 before it): "sync'ed:" (and "verified:" since 786c49ca,
     * 8.3.10) with (left/total)K or M; the finish line with "want:" (223ab178, 8.3.8), " (stalled)"
     * (2c83d2e7) and, with proc_details, "speed: now (recent -- mean)" (02970ce7); before 2c83d2e7
     * a bare "stalled" in its place; online verify's "NN%      done/total" (223ab178 to 786c49ca)
     * and later "NN% sector pos: a/b" (with " stop sector: N" since a9f00c96); the resync and
     * act_log LRU lines and "blocked on activity log:" of proc_details. "synced:" is printed by no
     * DRBD 8 source but is accepted all the same.
     */
    @Test
    void readsEveryProgressLineDrbd80To84Print() {
        String text = String.join(
                "\n",
                "version: 8.4.11 (api:1/proto:86-101)",
                " 0: cs:VerifyS ro:Primary/Secondary ds:UpToDate/UpToDate C r-----",
                "    ns:0 nr:0 dw:0 dr:8082944 al:0 bm:0 lo:0 pe:2 ua:0 ap:0 ep:1 wo:f oos:0",
                "\t[=======>............] verified: 39.4% (6344/10232)M",
                "\tfinish: 0:01:12 speed: 88,240 (85,312 -- 87,100) want: 102,400 K/sec (stalled)",
                "\t 39% sector pos: 8082944/20955136 stop sector: 20955136",
                "\tresync: used:0/61 hits:0 misses:0 starving:0 locked:0 changed:0",
                "\tact_log: used:0/1237 hits:0 misses:0 starving:0 locked:0 changed:0",
                "\tblocked on activity log: 0",
                " 1: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r---",
                "    ns:716992 nr:0 dw:0 dr:719432 al:0 bm:43 lo:0 pe:33 ua:18 ap:0 ep:1 wo:b oos:335744",
                "\t[============>.......] sync'ed:100.0% (0/1048576)K",
                "\tstalled",
                " 2: cs:VerifyT ro:Secondary/Primary ds:UpToDate/UpToDate C r---",
                "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:0",
                "\t 35%      12345/67890",
                " 3: cs:SyncTarget st:Secondary/Primary ds:Inconsistent/UpToDate C r---",
                "    ns:0 nr:178176 dw:178176 dr:0 al:104 bm:42 lo:0 pe:0 ua:0 ap:0",
                "\t[=====>..............] synced:  4.5% (346112/524288)M",
                "\tfinish: 102:03:04 speed: 1,059,392 (1,059,392) K/sec",
                "");

        ParseResult<Minor> result = ProcDrbdParser.parse("proc", text);

        assertTrue(result.clean(), result::problemsText);
        assertEquals(
                List.of(0, 1, 2, 3), result.values().stream().map(Minor::minor).toList());
        Minor verify = result.values().get(0);
        assertEquals(ReplicationState.VERIFY_S, verify.replication());
        assertEquals(Optional.of(39.4), verify.donePercent());
        assertEquals(Optional.of(72.0), verify.etaSeconds());
        assertEquals(Optional.of(88240.0 * 1024), verify.rateBytesPerSecond(), "the first figure is the current rate");
        Minor stalled = result.values().get(1);
        assertEquals(Optional.of(100.0), stalled.donePercent());
        assertEquals(Optional.empty(), stalled.etaSeconds(), "a stalled resync has no estimate");
        assertEquals(Optional.empty(), stalled.rateBytesPerSecond());
        assertEquals(Optional.of(35.0), result.values().get(2).donePercent(), "online verify before 8.3.10");
        Minor old = result.values().get(3);
        assertEquals(Optional.of(4.5), old.donePercent());
        assertEquals(Optional.of(102 * 3600.0 + 3 * 60 + 4), old.etaSeconds());
        assertEquals(Optional.of(1059392.0 * 1024), old.rateBytesPerSecond());
    }

    @Test
    void readsRealProgressLinesWithWantAndRunTogether() {
        ParseResult<Minor> want = parse("ganeti_proc_drbd83_sync_want.txt");
        ParseResult<Minor> together = parse("ganeti_proc_drbd83_sync_krnl2.6.39.txt");

        assertTrue(want.clean(), want::problemsText);
        assertEquals(Optional.of(44.4), want.values().get(0).donePercent());
        assertEquals(Optional.of(8.0), want.values().get(0).etaSeconds());
        assertEquals(
                Optional.of(65736.0 * 1024),
                want.values().get(0).rateBytesPerSecond(),
                "want: is the configured rate, not the rate");
        assertTrue(together.clean(), together::problemsText);
        Minor source = together.values().stream()
                .filter(m -> m.minor() == 3)
                .findFirst()
                .orElseThrow();
        assertEquals(Optional.of(2.4), source.donePercent());
        assertEquals(Optional.of(248.0), source.etaSeconds());
        assertEquals(Optional.of(61736.0 * 1024), source.rateBytesPerSecond());
    }
}
